import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { query } from './query.js';

/**
 * One migrating process at a time, across processes sharing a ClickHouse server (scale-out: several
 * `flowlens run --roles …` starting together). Without it, every process that found a migration
 * pending ran it: the one-time backfills (0700–0730) summed the stored flows twice when two ran
 * interleaved, and a late process's view re-attach (migrate.ts) dropped the rollup rows of a process
 * that had finished migrating and was already inserting.
 *
 * ClickHouse has no lock primitive; `CREATE TABLE` without `IF NOT EXISTS` succeeds for exactly one
 * caller, the others get TABLE_ALREADY_EXISTS (code 57). The lock is that table, its holder the
 * table's comment (set by that one CREATE), its rows the holder's heartbeats. A waiter polls until
 * the table is gone (the holder dropped it) and tries again; a holder whose last heartbeat is older
 * than `staleMs` by the server's clock, or that wrote none for `staleMs` of polls (killed
 * mid-migration), loses the lock to the next waiter, which renames it out of the way (only the first
 * breaker of a holder can: {@link renameStaleLock}). A holder only beats and only drops the lock
 * while the comment still names it, so a broken holder neither keeps another's lock fresh nor
 * drops it. The table lives on the node the client talks to: in cluster mode
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
  /**
   * Who holds it, for the lock's rows and logs; unique per process. Each lock taken adds a suffix
   * (`owner#1a2b3c4d`), so a holder id names one lock.
   */
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
  const mine = await acquire(client, lock);
  const stopHeartbeat = heartbeat(client, mine);
  try {
    return await work();
  } finally {
    stopHeartbeat();
    await release(client, mine.owner);
    await sweepBrokenLocks(client, lock).catch(() => undefined); // housekeeping only
  }
}

/**
 * Waits for the lock; returns the options it was taken with, whose `owner` is then this lock's own
 * holder id (the process's owner and a fresh suffix per attempt). A lock the process takes again
 * after one of its locks was broken is so another lock, with another guard name ({@link brokenLockName}).
 */
async function acquire(client: ClickHouseClient, lock: MigrationLockOptions): Promise<MigrationLockOptions> {
  // Polls that found the same holder without a heartbeat; counted per holder, so a waiter never
  // carries a count over to the next lock (it would break a fresh one at once).
  let silent = { holder: '', polls: 0 };
  for (;;) {
    // Look before trying: a CREATE that loses is logged as an error by the client on every poll.
    const state = await lockState(client);
    if (state === 'gone') {
      const attempt = { ...lock, owner: `${lock.owner}#${randomUUID().slice(0, 8)}` };
      if (await tryCreate(client, attempt)) return attempt;
      await sleep(lock.pollMs); // another process created it first
      continue;
    }
    const noBeat = state.ageMs === undefined;
    silent = noBeat
      ? { holder: state.holder, polls: silent.holder === state.holder ? silent.polls + 1 : 1 }
      : { holder: '', polls: 0 };
    const stale = noBeat ? silent.polls * lock.pollMs > lock.staleMs : state.ageMs! > lock.staleMs;
    // Also after a break: one that changed nothing (another waiter's) must not become a busy loop.
    if (stale) await breakStaleLock(client, state.holder, lock.owner);
    await sleep(lock.pollMs);
  }
}

/**
 * The lock table, with its holder in the table comment: set by the one CREATE that succeeds. False
 * when another process made it first, or broke it before this one's first heartbeat.
 */
async function tryCreate(client: ClickHouseClient, lock: MigrationLockOptions): Promise<boolean> {
  try {
    await client.command({
      query:
        `CREATE TABLE ${MIGRATION_LOCK_TABLE} (owner String, heartbeat DateTime64(3, 'UTC') DEFAULT now64(3)) ` +
        `ENGINE = MergeTree ORDER BY tuple() COMMENT ${sqlString(lock.owner)}`, // no parameters in DDL
    });
  } catch (e) {
    if (isAlreadyExists(e)) return false;
    throw e;
  }
  // Broken between the CREATE and this first heartbeat (a waiter found the table with no beat for
  // `staleMs`): lost, so wait again rather than fail the start.
  return beat(client, lock);
}

/** `gone`, or which lock is held and how old its newest heartbeat is (undefined: none yet). */
type LockState = 'gone' | { holder: string; ageMs: number | undefined };

async function holderOf(client: ClickHouseClient): Promise<string | undefined> {
  const [row] = await query(client, {
    name: 'migration lock holder',
    sql: 'SELECT comment FROM system.tables WHERE database = currentDatabase() AND name = {name:String}',
    params: { name: MIGRATION_LOCK_TABLE },
    row: z.object({ comment: z.string() }),
  });
  return row?.comment;
}

async function lockState(client: ClickHouseClient): Promise<LockState> {
  const holder = await holderOf(client);
  if (holder === undefined) return 'gone';
  try {
    const [row] = await query(client, {
      name: 'migration lock heartbeat',
      sql:
        "SELECT count() AS n, dateDiff('millisecond', max(heartbeat), now64(3)) AS age " +
        `FROM ${MIGRATION_LOCK_TABLE} WHERE owner = {holder:String}`,
      params: { holder },
      row: z.object({ n: z.coerce.number(), age: z.coerce.number() }),
    });
    return { holder, ageMs: row && row.n > 0 ? row.age : undefined };
  } catch (e) {
    if (isUnknownTable(e)) return 'gone'; // dropped between the two reads
    throw e;
  }
}

/** Breaks the lock if it is still the one found stale ({@link renameStaleLock}). */
async function breakStaleLock(client: ClickHouseClient, staleHolder: string, breaker: string): Promise<void> {
  if ((await holderOf(client)) === staleHolder) await renameStaleLock(client, staleHolder, breaker);
}

/**
 * Breaks a stale lock, and only that one: the lock table is renamed to a name made from its holder
 * ({@link brokenLockName}; holder ids are unique per lock taken), which only the first breaker of
 * that lock can take. Two waiters finding the same lock stale at once used to read the holder and
 * then drop the table; the second one's drop could land after the first had broken the lock and
 * taken a new one, and two processes migrated together (ClickHouse has no conditional DROP). Now the
 * second one's rename finds its target taken (TABLE_ALREADY_EXISTS) and changes nothing. The
 * breaker's row dates the break; the renamed table stays as that guard until
 * {@link sweepBrokenLocks} finds it older than `staleMs`, far longer than a waiter takes between
 * reading the holder and renaming.
 */
export async function renameStaleLock(
  client: ClickHouseClient,
  staleHolder: string,
  breaker: string,
): Promise<void> {
  const broken = brokenLockName(staleHolder);
  // Not renamed: another waiter broke it first (target taken), or the holder released it meanwhile.
  if (!(await renameLockTo(client, broken))) return;
  await client
    .insert({ table: broken, values: [{ owner: `broken by ${breaker}` }], format: 'JSONEachRow' })
    .catch(() => undefined); // only dates the guard for the sweep; the break itself is done
}

/** Name of a broken (or released) lock: one per holder id, so one per lock taken. */
export function brokenLockName(holder: string): string {
  return `${MIGRATION_LOCK_TABLE}_broken_${createHash('sha256').update(holder).digest('hex').slice(0, 16)}`;
}

/**
 * Drops guards of locks broken more than `staleMs` ago (by the server's clock). The breaker's row
 * dates the break ({@link renameStaleLock}); a table's metadata time would not (a rename keeps it).
 * A guard without that row yet (renamed a moment ago) is kept.
 */
async function sweepBrokenLocks(client: ClickHouseClient, lock: MigrationLockOptions): Promise<void> {
  const broken = await query(client, {
    name: 'broken migration locks',
    sql: 'SELECT name FROM system.tables WHERE database = currentDatabase() AND startsWith(name, {prefix:String})',
    params: { prefix: `${MIGRATION_LOCK_TABLE}_broken_` },
    row: z.object({ name: z.string() }),
  });
  for (const { name } of broken) {
    const [row] = await query(client, {
      name: 'broken migration lock age',
      sql:
        "SELECT countIf(startsWith(owner, 'broken by')) AS n, " +
        `dateDiff('millisecond', maxIf(heartbeat, startsWith(owner, 'broken by')), now64(3)) AS age FROM ${name}`,
      row: z.object({ n: z.coerce.number(), age: z.coerce.number() }),
    });
    if (row && row.n > 0 && row.age > lock.staleMs)
      await client.command({ query: `DROP TABLE IF EXISTS ${name}` });
  }
}

/** Writes a heartbeat while the lock is still this process's (it may have been broken meanwhile). */
async function beat(client: ClickHouseClient, lock: MigrationLockOptions): Promise<boolean> {
  if ((await holderOf(client)) !== lock.owner) return false;
  try {
    await client.insert({
      table: MIGRATION_LOCK_TABLE,
      values: [{ owner: lock.owner }],
      format: 'JSONEachRow',
    });
  } catch (e) {
    if (isUnknownTable(e)) return false; // broken (renamed away) between the read and the insert
    throw e;
  }
  return true;
}

/** Writes a heartbeat every `heartbeatMs` until stopped or the lock is no longer this process's. */
function heartbeat(client: ClickHouseClient, lock: MigrationLockOptions): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void beat(client, lock)
        .then((held) => {
          if (held) next();
        })
        .catch(() => next()); // a failed beat is retried at the next one
    }, lock.heartbeatMs);
    timer.unref();
  };
  next();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/**
 * Ends this process's lock only while it is still that lock: renamed to its own guard name, then
 * dropped. A lock broken meanwhile already has that name taken (the breaker's guard), so the rename
 * changes nothing, even when the lock table is another process's by then (a read-then-DROP would
 * drop that one).
 */
async function release(client: ClickHouseClient, holder: string): Promise<void> {
  if ((await holderOf(client)) !== holder) return;
  const own = brokenLockName(holder);
  if (await renameLockTo(client, own)) await client.command({ query: `DROP TABLE IF EXISTS ${own}` });
}

/** Renames the lock table to a guard name; false when that name is taken or no lock table exists. */
async function renameLockTo(client: ClickHouseClient, guard: string): Promise<boolean> {
  try {
    await client.command({ query: `RENAME TABLE ${MIGRATION_LOCK_TABLE} TO ${guard}` });
    return true;
  } catch (e) {
    if (isAlreadyExists(e) || isUnknownTable(e)) return false;
    throw e;
  }
}

const codeOrName = (e: unknown, code: string, name: string) => {
  const err = e as { code?: unknown; type?: unknown; message?: unknown };
  return (
    String(err?.code) === code ||
    String(err?.type) === name ||
    String(err?.message ?? e).includes(`(${name})`)
  );
};
const isAlreadyExists = (e: unknown) => codeOrName(e, '57', 'TABLE_ALREADY_EXISTS');
const isUnknownTable = (e: unknown) =>
  codeOrName(e, '60', 'UNKNOWN_TABLE') ||
  /Unknown table expression identifier/.test(String((e as Error)?.message ?? e));

/** A ClickHouse string literal. */
const sqlString = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
