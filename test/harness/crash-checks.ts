import type { Db } from '../../core/clickhouse/client.js';
import { INTERNAL_PAIRS_WHERE } from '../../core/clickhouse/migrations/0730_internal_pairs_rollup.js';
import { rows } from './chdb.js';

/**
 * Whether the crash and outage tests coalesce inserts (docs/ingest.md "Batching"). On, as in the
 * product's default, unless `FLOWLENS_TEST_COALESCE=0`: the same suites then run one insert per
 * range, for comparing timings or bisecting a failure, without a second copy of each test. Child
 * processes inherit the variable.
 */
export function coalesceInTests(): boolean {
  return process.env.FLOWLENS_TEST_COALESCE !== '0';
}

/** Spread into `createClickHouseSink` options: nothing (the sink's default, on) or `coalesce: false`. */
export function sinkCoalesce(): { coalesce?: false } {
  return coalesceInTests() ? {} : { coalesce: false };
}

/** The config section (`ingest.coalesce`) for `flowlens run` in a test. */
export function configCoalesce(): { enabled: boolean } {
  return { enabled: coalesceInTests() };
}

export interface RollupTotals {
  flows: number;
  minute: number;
  hour: number;
}

/**
 * Rows in `flows` and the flows the rollups count: after replays they must be equal (a replay
 * deduplicated in `flows` must not be counted again in `flows_1m`/`flows_1h`).
 */
export async function rollupTotals(db: Db): Promise<RollupTotals> {
  const [r] = await rows<{ flows: string; minute: string; hour: string }>(
    db,
    'SELECT (SELECT count() FROM flows) AS flows, (SELECT sum(flows) FROM flows_1m) AS minute, ' +
      '(SELECT sum(flows) FROM flows_1h) AS hour',
  );
  return { flows: Number(r?.flows ?? 0), minute: Number(r?.minute ?? 0), hour: Number(r?.hour ?? 0) };
}

/**
 * Every view-fed rollup that counts flows, next to the raw rows its view reads. A replay that
 * `flows` deduplicated must be deduplicated in each of them too (the re-attach in migrate.ts makes
 * their block ids stable); these views read through a subquery or a filter, so each is checked, not
 * only `flows_1m`/`flows_1h`. `flows_contact_1h` and `flows_span_1h` keep only first-seen times
 * (min), which a double count cannot change, so they are not listed.
 */
const COUNTED_ROLLUPS: readonly { table: string; counted: string; raw: string }[] = [
  { table: 'flows_1m', counted: 'sum(flows)', raw: '1' },
  { table: 'flows_1h', counted: 'sum(flows)', raw: '1' },
  { table: 'flows_remote_1h', counted: 'sum(flows)', raw: '1' },
  // Chained on flows_remote_1h's inserts: a replay must stop at both levels.
  { table: 'flows_remote_1d', counted: 'sum(flows)', raw: '1' },
  { table: 'flow_log_hours', counted: 'sum(rows)', raw: '1' },
  {
    table: 'flows_egress_1h',
    counted: 'sum(flows)',
    raw: "remote_is_public AND direction = 'outbound' AND action = 'allow' AND bytes_sent > 0",
  },
  { table: 'flows_internal_1h', counted: 'sum(flows)', raw: INTERNAL_PAIRS_WHERE },
  { table: 'flows_internal_1d', counted: 'sum(flows)', raw: INTERNAL_PAIRS_WHERE },
];

/**
 * The rollups whose flow count differs from the raw rows their view reads, as readable lines
 * (`table: rollup N, raw M`); empty when every one matches. Tests assert `toEqual([])`.
 */
export async function rollupMismatches(db: Db): Promise<string[]> {
  const sql = COUNTED_ROLLUPS.map(
    (r, i) =>
      `(SELECT ${r.counted} FROM ${r.table}) AS r${i}, (SELECT countIf(${r.raw}) FROM flows) AS f${i}`,
  ).join(', ');
  const [row] = await rows<Record<string, string | number>>(db, `SELECT ${sql}`);
  return COUNTED_ROLLUPS.flatMap((r, i) => {
    const [rollup, raw] = [Number(row?.[`r${i}`] ?? 0), Number(row?.[`f${i}`] ?? 0)];
    return rollup === raw ? [] : [`${r.table}: rollup ${rollup}, raw ${raw}`];
  });
}
