/**
 * ClickHouse's error text and HTTP status for the ClickHouse HTTP test double (see server.ts).
 * The client parses the body with `Code: N. DB::Exception: <message> (<TYPE>)`, so the text must
 * keep that shape; the status follows ClickHouse's `exceptionCodeToHTTPStatus` for the codes the
 * double produces itself (everything else is 500, as on the server).
 * @see https://github.com/ClickHouse/ClickHouse/blob/master/src/Server/HTTPHandler.cpp
 */

/** Names of the codes the double raises itself or offers as fault switches. */
export const ERROR_NAMES: Readonly<Record<number, string>> = {
  1: 'UNSUPPORTED_METHOD',
  62: 'SYNTAX_ERROR',
  159: 'TIMEOUT_EXCEEDED',
  164: 'READONLY',
  202: 'TOO_MANY_SIMULTANEOUS_QUERIES',
  209: 'SOCKET_TIMEOUT',
  210: 'NETWORK_ERROR',
  241: 'MEMORY_LIMIT_EXCEEDED',
  242: 'TABLE_IS_READ_ONLY',
  252: 'TOO_MANY_PARTS',
  319: 'UNKNOWN_STATUS_OF_INSERT',
  497: 'ACCESS_DENIED',
  516: 'AUTHENTICATION_FAILED',
};

const STATUS_BY_CODE: Readonly<Record<number, number>> = {
  516: 401,
  497: 403,
  164: 403,
  62: 400,
  6: 400,
  27: 400,
  36: 400,
  47: 400,
  53: 400,
  60: 404,
  81: 404,
  159: 408,
  202: 503,
};

export class ClickHouseHttpError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly type: string = ERROR_NAMES[code] ?? 'UNKNOWN_EXCEPTION',
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_CODE[this.code] ?? 500;
  }

  /** The response body ClickHouse sends for a failed query. */
  body(version: string): string {
    return `Code: ${this.code}. DB::Exception: ${this.message}. (${this.type}) (version ${version})\n`;
  }
}

const CHDB_ERROR = /Code: (\d+)\. DB::Exception: (.*)\(([A-Z0-9_]+)\)\s*$/s;

/** chDB's exception text (`Code: N. DB::Exception: … (TYPE)`) as the server would report it. */
export function fromEngineError(err: unknown): ClickHouseHttpError {
  const text = err instanceof Error ? err.message : String(err);
  const m = CHDB_ERROR.exec(text);
  if (!m) return new ClickHouseHttpError(1001, text.trim(), 'STD_EXCEPTION');
  return new ClickHouseHttpError(Number(m[1]), m[2]!.trim().replace(/\.$/, ''), m[3]);
}
