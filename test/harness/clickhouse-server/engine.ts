import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Session } from 'chdb';
import { fromEngineError } from './errors.js';

/**
 * The chDB session behind the ClickHouse HTTP test double: one data directory, statements run one
 * at a time. Each request is stateless as on a server: its settings are `SET` before the statement
 * and the ones an earlier request set are put back with `SET … = DEFAULT` (a chDB session keeps
 * `SET`s, a server's HTTP request does not). Query parameters are handed to the engine exactly as
 * they came in the URL (`param_x`), already in ClickHouse's escaped text form: the public
 * `queryBind` would escape them a second time, so this calls the binding's native entry directly.
 */
interface NativeResult {
  bytes: Buffer;
  elapsed: number;
  rowsRead: number;
  bytesRead: number;
}
interface NativeAddon {
  QueryAsyncConnection(
    connection: unknown,
    sql: string,
    format: string,
    params?: Record<string, string>,
  ): Promise<NativeResult>;
}

const requireFromHere = createRequire(import.meta.url);
const native = requireFromHere(
  join(dirname(requireFromHere.resolve('chdb')), 'dist', 'loader.js'),
).loadNative() as NativeAddon;

export interface Statement {
  sql: string;
  settings: Record<string, string>;
  params: Record<string, string>;
  database: string;
  /** Output format when the SQL names none (`default_format`, else TabSeparated). */
  format: string;
}

export type EngineResult = NativeResult;

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class Engine {
  private readonly session: Session;
  private queue: Promise<unknown> = Promise.resolve();
  private dirty = new Set<string>();
  version = '';

  constructor(readonly path: string) {
    this.session = new Session(path);
  }

  async start(): Promise<void> {
    const r = await this.run({
      sql: 'SELECT version()',
      settings: {},
      params: {},
      database: 'default',
      format: 'TSV',
    });
    this.version = r.bytes.toString().trim();
  }

  /** Runs one request's statement after the ones before it (a session runs one thing at a time). */
  run(stmt: Statement): Promise<EngineResult> {
    const next = this.queue.then(() => this.execute(stmt));
    this.queue = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.session.close();
  }

  private async execute(stmt: Statement): Promise<EngineResult> {
    const prefix = [`USE ${quoteIdent(stmt.database)}`];
    for (const name of this.dirty) if (!(name in stmt.settings)) prefix.push(`SET ${name} = DEFAULT`);
    for (const [name, value] of Object.entries(stmt.settings)) {
      if (!SETTING_NAME.test(name))
        throw fromEngineError(
          new Error(`Code: 115. DB::Exception: Unknown setting '${name}'. (UNKNOWN_SETTING)`),
        );
      prefix.push(`SET ${name} = '${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
    }
    const before = this.dirty;
    this.dirty = new Set(Object.keys(stmt.settings));
    const sql = `${prefix.join('; ')}; ${stmt.sql}`;
    const params = Object.keys(stmt.params).length > 0 ? stmt.params : undefined;
    try {
      return await native.QueryAsyncConnection(this.session.connection, sql, stmt.format, params);
    } catch (err) {
      // Which of the SETs ran before the failure is unknown: reset all of them next time.
      this.dirty = new Set([...before, ...this.dirty]);
      throw fromEngineError(err);
    }
  }
}

function quoteIdent(name: string): string {
  return `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
}
