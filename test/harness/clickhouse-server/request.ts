import type { IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { ClickHouseHttpError } from './errors.js';

/**
 * One HTTP request to the ClickHouse test double, parsed the way ClickHouse's HTTP interface reads
 * it: the statement from the `query` URL parameter (then the body is insert data) or from the body;
 * `param_<name>` query parameters (URL or multipart body); every other URL parameter is a setting
 * except the interface's own (`database`, `default_format`, `query_id`, …); credentials from the
 * `X-ClickHouse-User`/`X-ClickHouse-Key` headers, Basic auth or `user`/`password` parameters.
 * @see https://clickhouse.com/docs/interfaces/http
 */
export interface ParsedRequest {
  /** The statement text (for an insert with data: the part before the data). */
  sql: string;
  /** Insert data (the body when the statement came in the URL); empty when none. */
  data: Buffer;
  params: Record<string, string>;
  settings: Record<string, string>;
  database: string;
  defaultFormat: string;
  queryId: string;
  user: string;
  password: string;
  /** The client asked for a gzip response (`enable_http_compression=1` and Accept-Encoding gzip). */
  gzipResponse: boolean;
}

/** URL parameters that are the interface's own, not settings. */
const NOT_SETTINGS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'user',
  'password',
  'quota_key',
  'role',
  'compress',
  'decompress',
  'buffer_size',
  'wait_end_of_query',
  'enable_http_compression',
  'http_zlib_compression_level',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_response_buffer_size',
  'http_wait_end_of_query',
]);

export function parseRequest(req: IncomingMessage, rawBody: Buffer): ParsedRequest {
  const url = new URL(req.url ?? '/', 'http://double');
  const body = decodeBody(req, rawBody);
  const params: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_')) params[key.slice(6)] = value;
    else if (!NOT_SETTINGS.has(key)) settings[key] = value;
  }
  let sql = url.searchParams.get('query') ?? '';
  let data: Buffer = Buffer.alloc(0);
  const multipart = /^multipart\/form-data;\s*boundary=(.+)$/i.exec(req.headers['content-type'] ?? '');
  if (multipart) {
    for (const [name, value] of multipartFields(body, multipart[1]!)) {
      if (name === 'query') sql = sql ? `${sql}\n${value}` : value;
      else if (name.startsWith('param_')) params[name.slice(6)] = value;
    }
  } else if (sql && isInsertWithData(sql)) data = body;
  else if (body.length > 0) sql = sql ? `${sql}\n${body.toString('utf8')}` : body.toString('utf8');
  const { user, password } = credentials(req, url);
  const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  return {
    sql,
    data,
    params,
    settings,
    database:
      req.headers['x-clickhouse-database']?.toString() ?? url.searchParams.get('database') ?? 'default',
    defaultFormat: url.searchParams.get('default_format') ?? 'TabSeparated',
    queryId: url.searchParams.get('query_id') ?? crypto.randomUUID(),
    user,
    password,
    gzipResponse: acceptsGzip && url.searchParams.get('enable_http_compression') === '1',
  };
}

/** `INSERT … FORMAT X` (the data follows the statement). */
export function isInsertWithData(sql: string): boolean {
  return /^\s*INSERT\s+INTO\b/i.test(sql) && /\bFORMAT\s+\w+\s*$/i.test(sql);
}

function decodeBody(req: IncomingMessage, raw: Buffer): Buffer {
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase();
  if (!encoding || encoding === 'identity') return raw;
  if (encoding !== 'gzip') {
    throw new ClickHouseHttpError(
      1,
      `Unknown HTTP Content-Encoding: ${encoding} (the test double reads gzip only)`,
    );
  }
  try {
    return gunzipSync(raw);
  } catch (err) {
    throw new ClickHouseHttpError(
      354,
      `Cannot decompress the request body: ${(err as Error).message}`,
      'CANNOT_DECOMPRESS',
    );
  }
}

function credentials(req: IncomingMessage, url: URL): { user: string; password: string } {
  const headerUser = req.headers['x-clickhouse-user'];
  if (headerUser !== undefined) {
    return { user: String(headerUser), password: String(req.headers['x-clickhouse-key'] ?? '') };
  }
  const auth = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (auth) {
    const decoded = Buffer.from(auth[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0
      ? { user: decoded, password: '' }
      : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return {
    user: url.searchParams.get('user') ?? 'default',
    password: url.searchParams.get('password') ?? '',
  };
}

/** Fields of a multipart/form-data body (the client sends long query parameters this way). */
function multipartFields(body: Buffer, boundary: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of body.toString('utf8').split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd < 0) continue;
    const name = /name="([^"]+)"/.exec(part.slice(0, headerEnd))?.[1];
    if (name) out.push([name, part.slice(headerEnd + 4).replace(/\r\n$/, '')]);
  }
  return out;
}
