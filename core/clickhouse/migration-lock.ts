import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { count, query } from './query.js';

/**
 * One migrating process at a time, across processes sharing a ClickHouse server (scale-out: several
 * `flowlens run --roles …` starting together). Without it, every process that found a migration
 * pending ran it: the one-time backfills (0700–0730) summed the stored flows twice when two ran
 * interleaved, and a late process's view re-attach (migrate.ts) dropped the rollup rows of a process
 * that had finished migrating and was already inserting.
 *
 * ClickHouse has no lock primitive; `CREATE TABLE` without `IF NOT EXISTS` succeeds for exactly one
 * caller, the others get TABLE_ALREADY_EXISTS (code 57). The lock is that table; its rows are the
 * holder's heartbeats. A waiter polls until the table is gone (the holder dropped it) and tries again;
 * a holder whose last heartbeat is older than `staleMs` by the server's clock (killed mid-migration)
 * loses the lock to the next waiter. The table lives on the node the client talks to: in cluster mode
 * processes behind a load balancer may reach different nodes, so start one process first there
 * (docs/operations.md "Production checklist").
 */
export interface MigrationLockOptions {
  /** A holder silent this long is presumed dead and its lock broken. */
  staleMs: number;
  /** How often the holder writes a heartbeat (a backfill can run for minutes). */
  heartbeatMs: number;
  /** How often a waiter looks again. */
  pollMs: number;
  /** Who holds it, for the lock's rows and logs; unique per process. */
  owner: string;
}

export const MIGRATION_LOCK_TABLE = 'schema_migrations_lock';

export function defaultLockOptions(): MigrationLockOptions {
  return {
    staleMs: 120_000,
    heartbeatMs: 15_000,
    pollMs: 500,
    owner: `${hostname()}:${process.pid}:${randomUUID()}`,
  };
}

/** Runs `work` while holding the lock; waits for it first. */
export async function withMigrationLock<T>(
  client: ClickHouseClient,
  lock: MigrationLockOptions,
  work: () => Promise<T>,
): Promise<T> {
  await acquire(client, lock);
  const stopHeartbeat = heartbeat(client, lock);
  try {
    return await work();
  } finally {
    stopHeartbeat();
    await release(client, lock);
  }
}

async function acquire(client: ClickHouseClient, lock: MigrationLockOptions): Promise<void> {
  let silentPolls = 0;
  for (;;) {
    // Look before trying: a CREATE that loses is logged as an error by the client on every poll.
    const state = await lockState(client);
    if (state === 'gone' && (await tryCreate(client, lock))) return;
    if (state === 'gone') continue; // lost the race to create it: look again
    // A lock without a heartbeat yet: its holder is between CREATE and its first INSERT, or died there.
    silentPolls = state === 'empty' ? silentPolls + 1 : 0;
    const stale = state === 'empty' ? silentPolls * lock.pollMs > lock.staleMs : state.ageMs > lock.staleMs;
    if (stale) await client.command({ query: `DROP TABLE IF EXISTS ${MIGRATION_LOCK_TABLE}` });
    else await sleep(lock.pollMs);
  }
}

async function tryCreate(client: ClickHouseClient, lock: MigrationLockOptions): Promise<boolean> {
  try {
    await client.command({
      query:
        `CREATE TABLE ${MIGRATION_LOCK_TABLE} (owner String, heartbeat DateTime64(3, 'UTC') DEFAULT now64(3)) ` +
        'ENGINE = MergeTree ORDER BY tuple()',
    });
  } catch (e) {
    if (isAlreadyExists(e)) return false;
    throw e;
  }
  await beat(client, lock);
  return true;
}

type LockState = 'gone' | 'empty' | { ageMs: number };

async function lockState(client: ClickHouseClient): Promise<LockState> {
  const exists = await count(
    client,
    'SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {name:String}',
    { name: MIGRATION_LOCK_TABLE },
  );
  if (exists === 0) return 'gone';
  try {
    const [row] = await query(client, {
      name: 'migration lock heartbeat',
      sql: `SELECT count() AS n, dateDiff('millisecond', max(heartbeat), now64(3)) AS age FROM ${MIGRATION_LOCK_TABLE}`,
      row: z.object({ n: z.coerce.number(), age: z.coerce.number() }),
    });
    return !row || row.n === 0 ? 'empty' : { ageMs: row.age };
  } catch (e) {
    if (isUnknownTable(e)) return 'gone'; // dropped between the two reads
    throw e;
  }
}

function beat(client: ClickHouseClient, lock: MigrationLockOptions): Promise<unknown> {
  return client.insert({
    table: MIGRATION_LOCK_TABLE,
    values: [{ owner: lock.owner }],
    format: 'JSONEachRow',
  });
}

/** Writes a heartbeat every `heartbeatMs` until stopped; a failed beat is retried at the next one. */
function heartbeat(client: ClickHouseClient, lock: MigrationLockOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    timer = setTimeout(
      () =>
        void beat(client, lock)
          .catch(() => undefined)
          .finally(next),
      lock.heartbeatMs,
    );
    timer.unref();
  };
  next();
  return () => clearTimeout(timer);
}

/** Drops the lock unless it was broken and is now another's (its rows are then all theirs). */
async function release(client: ClickHouseClient, lock: MigrationLockOptions): Promise<void> {
  const [row] = await query(client, {
    name: 'migration lock owner',
    sql: `SELECT countIf(owner = {owner:String}) AS mine FROM ${MIGRATION_LOCK_TABLE}`,
    params: { owner: lock.owner },
    row: z.object({ mine: z.coerce.number() }),
  }).catch((e) => (isUnknownTable(e) ? [] : Promise.reject(e)));
  if (row && row.mine > 0) await client.command({ query: `DROP TABLE IF EXISTS ${MIGRATION_LOCK_TABLE}` });
}

const codeOrText = (e: unknown, code: string, text: RegExp) => {
  const err = e as { code?: unknown; message?: unknown };
  return String(err?.code) === code || text.test(String(err?.message ?? e));
};
const isAlreadyExists = (e: unknown) => codeOrText(e, '57', /TABLE_ALREADY_EXISTS|already exists/i);
const isUnknownTable = (e: unknown) => codeOrText(e, '60', /UNKNOWN_TABLE|Unknown table|does not exist/i);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
