import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ClickHouseClient, type ClickHouseSettings, createClient } from '@clickhouse/client';
import { loadChdbConnection } from './engine-memory.js';

type ClientConfig = NonNullable<Parameters<typeof createClient>[0]>;

/** Where the data lives: an in-process chDB directory (default) or a ClickHouse server. */
export type DbTarget =
  | { kind: 'embedded'; path: string }
  | { kind: 'server'; url: string; username?: string; password?: string; database?: string };

export interface Db {
  readonly client: ClickHouseClient;
  readonly target: DbTarget;
  /** Database name tables live in (`default` unless the server target names another). */
  readonly database: string;
  close(): Promise<void>;
}

/**
 * Settings every session gets, so chDB and a server answer alike.
 * - 64-bit integers as JSON numbers: counters stay below 2^53 and the API wants numbers.
 * - `async_insert=0`: inserts are synchronous so "resolved" means durable, and insert
 *   deduplication tokens apply (async inserts are on by default in chDB; docs/testing.md).
 * - `insert_deduplication_token: ''`: the chDB Connection applies settings with `SET`, which persist
 *   in its session, so a token given to one insert would silently deduplicate (drop) the next insert
 *   that names none. Every statement resets it unless the call sets its own (measured, chdb 3.4.0).
 * - `distributed_foreground_insert=1`: in cluster mode `flows` is a Distributed table; by default an
 *   insert into it resolves once queued on the initiating node, not when the shards stored it. Foreground
 *   inserts keep "resolved means durable" (and forward the deduplication token with the insert).
 *   Not verified against a real cluster here (no ClickHouse server runs on these machines).
 *   @see https://clickhouse.com/docs/operations/settings/settings#distributed_foreground_insert
 * - `session_timezone: 'UTC'`: every time flowlens sends (`{t:DateTime64(3)}` parameters, JSON
 *   inserts) is UTC text without a zone, which the server parses in its own zone unless the session
 *   says otherwise; a server configured for another zone would shift every window by its offset.
 *   @see https://clickhouse.com/docs/operations/settings/settings#session_timezone
 */
export const SESSION_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 0,
  async_insert: 0,
  insert_deduplication_token: '',
  deduplicate_blocks_in_dependent_materialized_views: 1,
  distributed_foreground_insert: 1,
  session_timezone: 'UTC',
};

/**
 * Settings a ClickHouse server gets on top of {@link SESSION_SETTINGS}. A query may run up to the
 * 120 s request timeout; with no bytes on the connection until it ends, a load balancer in front
 * of the server (60 s idle timeout on many) cuts it as idle. Progress headers every 50 s keep the
 * connection busy (at most two per query, far below Node's header size limit), and the client no
 * longer warns about it at every start.
 * @see https://github.com/ClickHouse/clickhouse-js/blob/main/docs/howto/long_running_queries.md
 */
export const SERVER_SETTINGS: ClickHouseSettings = {
  ...SESSION_SETTINGS,
  send_progress_in_http_headers: 1,
  http_headers_progress_interval_ms: '50000',
};

/**
 * Creates the one client the process uses. Inert until first query; the embedded engine allows one
 * data directory per process (a second open fails with "Cannot lock file …/status").
 * @see https://clickhouse.com/docs/chdb
 */
export function openDb(target: DbTarget): Db {
  if (target.kind === 'embedded') {
    const path = resolve(target.path);
    mkdirSync(path, { recursive: true });
    const connection = loadChdbConnection().createChdbConnection({ path });
    const client = createClient({
      // chdb types its Connection against its own copy of @clickhouse/client-common; same shape.
      connection: connection as unknown as NonNullable<ClientConfig['connection']>,
      clickhouse_settings: SESSION_SETTINGS,
    });
    return { client, target: { kind: 'embedded', path }, database: 'default', close: () => client.close() };
  }
  const database = target.database ?? 'default';
  const client = createClient({
    url: target.url,
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    database,
    clickhouse_settings: SERVER_SETTINGS,
    request_timeout: 120_000,
  });
  return { client, target, database, close: () => client.close() };
}
