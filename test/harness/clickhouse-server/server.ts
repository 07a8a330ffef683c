import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Engine, type EngineResult } from './engine.js';
import { ClickHouseHttpError } from './errors.js';
import { applyPatch, type DoubleStats, type FaultState, noFaults, takeError } from './faults.js';
import { execute } from './insert.js';
import { isInsertWithData, type ParsedRequest, parseRequest } from './request.js';

/**
 * A **test double** of ClickHouse's HTTP interface, backed by chDB (the same engine code, in
 * process) — not a ClickHouse server. It answers what `@clickhouse/client` sends so the product's
 * server mode (`clickhouse.url`) runs against a real engine in tests: statements from the URL or
 * the body, settings and `database` as URL parameters, Basic auth or X-ClickHouse-User/Key, gzip
 * both ways, `X-ClickHouse-Summary` / `X-ClickHouse-Exception-Code` headers and ClickHouse's error
 * text. Insert data (`INSERT … FORMAT Native|JSONEachRow|…`, with or without `input()`) is staged
 * to a file and run as `INSERT … SELECT … FROM file()` with the request's settings (deduplication
 * token, async_insert, …). Results are materialized by chDB, then written to the socket.
 *
 * What it cannot show: replication, Distributed tables, ON CLUSTER, several servers, real
 * concurrency (statements run one at a time) or the server's own limits (docs/operations.md).
 * chDB binds one data directory per process, so the double runs in its own process (main.ts).
 */
export interface DoubleOptions {
  dataDir: string;
  port?: number;
  /** user → password; `default` with an empty password when omitted (as a fresh server). */
  users?: Record<string, string>;
}

export interface RunningDouble {
  port: number;
  controlPort: number;
  stop(): Promise<void>;
}

interface DoubleState {
  engine: Engine;
  staging: string;
  users: Record<string, string>;
  faults: FaultState;
  stats: DoubleStats;
  seq: number;
}

export async function startClickHouseDouble(options: DoubleOptions): Promise<RunningDouble> {
  const engine = new Engine(join(options.dataDir, 'db'));
  await engine.start();
  const staging = join(options.dataDir, 'staging');
  mkdirSync(staging, { recursive: true });
  const state: DoubleState = {
    engine,
    staging,
    users: options.users ?? { default: '' },
    faults: noFaults(),
    stats: emptyStats(),
    seq: 0,
  };
  const server = createServer((req, res) => {
    handleRequest(state, req, res).catch((err: unknown) => sendError(res, err, engine.version));
  });
  server.keepAliveTimeout = 10_000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await listen(server, options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  // Down = the listener closed and open connections dropped: clients get ECONNREFUSED/ECONNRESET.
  const setDown = async (down: boolean) => {
    if (down && server.listening) {
      const closed = new Promise<void>((r) => server.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    } else if (!down && !server.listening) {
      await listen(server, port);
    }
  };
  const control = await startControl(state, setDown);
  return {
    port,
    controlPort: (control.address() as AddressInfo).port,
    async stop() {
      await setDown(true);
      await new Promise<void>((r) => control.close(() => r()));
      engine.close();
    },
  };
}

function emptyStats(): DoubleStats {
  return {
    requests: 0,
    inserts: 0,
    insertedOk: 0,
    served503: 0,
    resets: 0,
    droppedResponses: 0,
    slowedInserts: 0,
    injectedErrors: 0,
  };
}

/** The control port: `POST /faults` with a {@link FaultPatch}, `GET /faults` for state and stats. */
async function startControl(state: DoubleState, setDown: (down: boolean) => Promise<void>): Promise<Server> {
  const control = createServer((req, res) => {
    readBody(req)
      .then(async (body) => {
        if (req.method === 'POST' && req.url === '/faults') {
          const next = applyPatch(state.faults, JSON.parse(body.toString('utf8') || '{}'));
          await setDown(next.down);
          state.faults = next;
        }
        res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ faults: state.faults, stats: state.stats }));
      })
      .catch((err: unknown) => res.writeHead(400).end(String(err)));
  });
  await listen(control, 0);
  return control;
}

async function handleRequest(state: DoubleState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  state.stats.requests += 1;
  if (faultBeforeBody(state, req, res)) return;
  const parsed = parseRequest(req, await readBody(req));
  if (req.method === 'GET' && (new URL(req.url ?? '/', 'http://x').pathname === '/ping' || !parsed.sql)) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n');
    return;
  }
  const isInsert = admit(state, parsed, req.method ?? 'POST');
  const { faults, stats } = state;
  if (isInsert && faults.slowInsertMs > 0) {
    stats.slowedInserts += 1;
    await new Promise((r) => setTimeout(r, faults.slowInsertMs));
  }
  const result = await execute(state.engine, parsed, state.staging, ++state.seq);
  if (isInsert) stats.insertedOk += 1;
  if (isInsert && faults.dropResponses > 0) {
    faults.dropResponses -= 1;
    stats.droppedResponses += 1;
    req.socket.destroy();
    return;
  }
  respond(res, parsed, result);
}

/** The 503 and mid-insert reset switches, which act before the body is read. True when one fired. */
function faultBeforeBody(state: DoubleState, req: IncomingMessage, res: ServerResponse): boolean {
  const { faults, stats } = state;
  if (faults.unavailable > 0) {
    faults.unavailable -= 1;
    stats.served503 += 1;
    req.resume();
    res.writeHead(503, { 'Content-Type': 'text/plain' }).end('Service Unavailable\n');
    return true;
  }
  const urlQuery = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
  if (isInsertWithData(urlQuery) && faults.resetInserts > 0) {
    faults.resetInserts -= 1;
    stats.resets += 1;
    req.once('data', () => req.socket.destroy());
    return true;
  }
  return false;
}

/** Credentials, GET's read-only rule and an armed error switch; returns whether it is an insert. */
function admit(state: DoubleState, req: ParsedRequest, method: string): boolean {
  authenticate(req, state.users);
  if (method === 'GET' && WRITES.test(req.sql)) {
    throw new ClickHouseHttpError(
      164,
      'Cannot execute query in readonly mode. For queries over HTTP, method GET implies readonly. You should use method POST for modifying queries',
    );
  }
  const isInsert = /^\s*INSERT\b/i.test(req.sql);
  if (isInsert) state.stats.inserts += 1;
  const injected = takeError(state.faults, isInsert);
  if (injected !== undefined) {
    state.stats.injectedErrors += 1;
    throw new ClickHouseHttpError(injected, `Injected by the test double's fault switch`);
  }
  return isInsert;
}

const WRITES = /^\s*(INSERT|CREATE|ALTER|DROP|TRUNCATE|RENAME|OPTIMIZE|SYSTEM|DELETE|UPDATE|EXCHANGE)\b/i;

function authenticate(req: ParsedRequest, users: Record<string, string>): void {
  if (users[req.user] === undefined || users[req.user] !== req.password) {
    throw new ClickHouseHttpError(
      516,
      `${req.user}: Authentication failed: password is incorrect, or there is no user with such name`,
    );
  }
}

function respond(res: ServerResponse, req: ParsedRequest, result: EngineResult): void {
  const format = /\bFORMAT\s+(\w+)\s*;?\s*$/i.exec(req.sql)?.[1] ?? req.defaultFormat;
  const isInsert = /^\s*INSERT\b/i.test(req.sql);
  const summary = {
    read_rows: String(result.rowsRead),
    read_bytes: String(result.bytesRead),
    written_rows: String(isInsert ? result.rowsRead : 0),
    written_bytes: String(isInsert ? req.data.length : 0),
    total_rows_to_read: '0',
    result_rows: String(isInsert ? 0 : result.rowsRead),
    result_bytes: String(isInsert ? 0 : result.bytes.length),
    elapsed_ns: String(Math.round(result.elapsed * 1e9)),
  };
  const headers: Record<string, string> = {
    'Content-Type': /^JSON/i.test(format) ? 'application/json; charset=UTF-8' : 'text/plain; charset=UTF-8',
    'X-ClickHouse-Query-Id': req.queryId,
    'X-ClickHouse-Format': format,
    'X-ClickHouse-Timezone': 'UTC',
    'X-ClickHouse-Summary': JSON.stringify(summary),
    'Keep-Alive': 'timeout=10',
  };
  const body = req.gzipResponse ? gzipSync(result.bytes) : result.bytes;
  if (req.gzipResponse) headers['Content-Encoding'] = 'gzip';
  res.writeHead(200, headers);
  // Written in slices so a large result reaches the client as a stream, as from a server.
  for (let at = 0; at < body.length; at += 1 << 20) res.write(body.subarray(at, at + (1 << 20)));
  res.end();
}

function sendError(res: ServerResponse, err: unknown, version: string): void {
  const e =
    err instanceof ClickHouseHttpError ? err : new ClickHouseHttpError(1001, String(err), 'STD_EXCEPTION');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res
    .writeHead(e.status, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(e.code),
      'Keep-Alive': 'timeout=10',
    })
    .end(e.body(version));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
