import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INTERNAL_PAIRS_WHERE,
  migration0730,
} from '../../../core/clickhouse/migrations/0730_internal_pairs_rollup.js';
import { migration0740 } from '../../../core/clickhouse/migrations/0740_internal_pairs_daily.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../../core/clickhouse/migrations/types.js';
import { openTestDb, rows, type TestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { windowOf } from '../../test-context.js';
import { LateralMovementConfigSchema } from './config.js';
import { lateralMovementQuery } from './query.js';

const BASE = '2026-01-01T00:00:00Z';
const PORTS = [22, 3389, 445, 88, 389, 1433, 5432, 8080];
let db: TestDb;

/** Deterministic pseudo-random traffic: internal pairs on management, DC and data ports, web clients. */
function traffic(): FlowSpec[] {
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % n;
  };
  const out: FlowSpec[] = [];
  for (let h = 0; h < 60; h++) {
    for (let k = 0; k < 6; k++) {
      out.push({
        time: at(BASE, h * 3600 + next(3600)),
        src_ip: `10.1.0.${1 + next(6)}`,
        dst_ip: `10.2.0.${1 + next(4)}`,
        dst_port: PORTS[next(PORTS.length)]!,
        direction: next(3) ? 'inbound' : 'outbound',
        action: next(8) ? 'allow' : 'deny',
        bytes_sent: next(2) * 4000,
        bytes_received: next(3) * 7000,
      });
    }
    out.push({
      time: at(BASE, h * 3600 + next(3600)),
      src_ip: `52.10.0.${1 + next(12)}`,
      dst_ip: '10.1.0.1',
    });
  }
  return out;
}

const rdp = (seconds: number, src: string): FlowSpec => ({
  time: at(BASE, seconds),
  src_ip: src,
  dst_ip: '10.3.0.9',
  dst_port: 3389,
  bytes_received: 5000,
});
// Look-back [day 2 00:30, day 2 12:30): a pair seen just before it is new, one seen in either
// partial hour at its ends is known.
const EDGE_WINDOW = windowOf('2026-01-02T12:30:00Z', '2026-01-02T18:00:00Z');
const EDGE_CONFIG = { lookbackHours: 12 };
const EDGES: FlowSpec[] = [
  rdp(24 * 3600 + 600, '10.3.0.1'), // 00:10, before the look-back
  rdp(24 * 3600 + 2700, '10.3.0.2'), // 00:45, in its first partial hour
  rdp(36 * 3600 + 900, '10.3.0.3'), // 12:15, in its last partial hour
  rdp(30 * 3600, '10.3.0.5'), // 06:00, a whole hour: from the rollup
  ...['10.3.0.1', '10.3.0.2', '10.3.0.3', '10.3.0.4', '10.3.0.5'].map((src) => rdp(37 * 3600, src)),
];

const RAW = `SELECT toString(toStartOfHour(time)) AS h, dst_port AS p, toString(src_ip) AS s, toString(dst_ip) AS d,
  toString(direction) AS dir, toString(action) AS a, remote_is_public AS pub, count() AS f,
  sum(bytes_sent + bytes_received) AS b, toString(min(time)) AS fs, toString(max(time)) AS ls
  FROM flows WHERE ${INTERNAL_PAIRS_WHERE} GROUP BY h, p, s, d, dir, a, pub ORDER BY h, p, s, d, dir, a, pub`;
const ROLLUP = `SELECT toString(time) AS h, dst_port AS p, toString(src_ip) AS s, toString(dst_ip) AS d,
  toString(direction) AS dir, toString(action) AS a, remote_is_public AS pub, sum(flows) AS f, sum(bytes) AS b,
  toString(min(first_seen)) AS fs, toString(max(last_seen)) AS ls
  FROM flows_internal_1h GROUP BY h, p, s, d, dir, a, pub ORDER BY h, p, s, d, dir, a, pub`;

const CASES: [string, string, number][] = [
  ['2026-01-02T12:30:00Z', '2026-01-02T18:00:00Z', 12],
  ['2026-01-02T12:00:00Z', '2026-01-03T00:00:00Z', 168],
  ['2026-01-02T13:59:00Z', '2026-01-02T20:00:00Z', 6],
  ['2026-01-03T00:20:00Z', '2026-01-03T12:00:00Z', 1],
  ['2026-01-03T00:20:00Z', '2026-01-03T12:00:00Z', 30],
  ['2026-01-03T00:00:00Z', '2026-01-03T12:00:00Z', 48],
];

/** The query's look-back without its filters to the window's candidates (`… IN (SELECT … FROM cand)`). */
function unfiltered(sql: string): string {
  const out = sql
    .replace(/\([a-z_, ]+\) IN \(SELECT [a-z_, ]+ FROM cand\)/g, '1')
    .replace(/dst_ip IN \(SELECT \w+ FROM cand\)/g, '1');
  expect(out).not.toMatch(/FROM cand\)/);
  return out;
}

/**
 * The query as a tick runs it, and the raw reference: the same SQL with no whole rollup hours (every
 * row from raw `flows`) and the whole look-back, not only the candidates' — the query before issue 17.
 */
async function incrementalAndRaw(from: string, to: string, lookbackHours: number) {
  const config = LateralMovementConfigSchema.parse({ lookbackHours, minHistoryHours: 0 });
  const q = lateralMovementQuery(config, windowOf(from, to));
  const base = q.params.baseFrom;
  const raw = {
    ...q,
    sql: unfiltered(q.sql),
    params: { ...q.params, firstHour: base, lastHour: base, firstDay: base, lastDay: base },
  };
  // Whole hours from the hourly rollup only (no daily tier): the query before migration 0780.
  const hourly = { ...q, params: { ...q.params, firstDay: q.params.firstHour, lastDay: q.params.firstHour } };
  return {
    incremental: await executeQuery(db.client, q),
    raw: await executeQuery(db.client, raw),
    hourly: await executeQuery(db.client, hourly),
    days: [q.params.firstDay, q.params.lastDay],
  };
}

beforeAll(async () => {
  db = await openTestDb();
  await insertFlows(db, [...traffic(), ...EDGES]);
});
afterAll(() => db.close());

describe('lateral-movement reads its look-back from an hourly rollup (migration 0730)', () => {
  it('the view rolls up exactly the internal pairs and the served web ports of each hour', async () => {
    const rollup = await rows(db, ROLLUP);
    expect(rollup).toEqual(await rows(db, RAW));
    expect(rollup.some((r) => r.pub === true || r.pub === 1)).toBe(true);
  });

  it('the migration rolls up rows stored before it, and running it again changes nothing', async () => {
    await db.client.command({ query: 'DROP VIEW flows_internal_1h_mv' });
    await db.client.command({ query: 'TRUNCATE TABLE flows_internal_1h' });
    await insertFlows(db, [rdp(50 * 3600 + 5, '10.3.0.7')]); // stored while no view was attached
    const statements = migration0730.up({ ...DEFAULT_SCHEMA_OPTIONS, hourTtlDays: 0 });
    for (const s of [...statements, ...statements]) await db.client.command({ query: s });
    expect(await rows(db, ROLLUP)).toEqual(await rows(db, RAW));
  });

  it('is partitioned by day (migration 0740), and building it again rolls up every stored row once', async () => {
    const key =
      "SELECT partition_key AS k FROM system.tables WHERE database = currentDatabase() AND name = 'flows_internal_1h'";
    expect(await rows(db, key)).toEqual([{ k: 'toYYYYMMDD(time)' }]);
    const statements = migration0740.up({ ...DEFAULT_SCHEMA_OPTIONS, hourTtlDays: 0 });
    for (const s of [...statements, ...statements]) await db.client.command({ query: s });
    expect(await rows(db, key)).toEqual([{ k: 'toYYYYMMDD(time)' }]);
    expect(await rows(db, ROLLUP)).toEqual(await rows(db, RAW));
    await insertFlows(db, [rdp(51 * 3600 + 5, '10.3.0.8')]); // through the view built again
    expect(await rows(db, ROLLUP)).toEqual(await rows(db, RAW));
  });

  it.each(CASES)('window from %s to %s, %i h look-back: the same rows as over raw flows', async (f, t, h) => {
    const { incremental, raw, hourly } = await incrementalAndRaw(f, t, h);
    expect(raw.length).toBeGreaterThan(0);
    expect(incremental).toEqual(raw);
    expect(hourly).toEqual(raw);
  });

  it('partial hours at both ends of the look-back are read from raw flows, exactly', async () => {
    const config = LateralMovementConfigSchema.parse({ ...EDGE_CONFIG, minHistoryHours: 0 });
    const found = await executeQuery(db.client, lateralMovementQuery(config, EDGE_WINDOW));
    const edge = found.filter((r) => r.remote === '10.3.0.9').map((r) => r.ip);
    expect(edge).toEqual(['10.3.0.1', '10.3.0.4']);
    // The first flow at or after 00:30, not the first of the 00:00 hour (the rollup's hour).
    const [first] = await rows<{ t: string }>(
      db,
      "SELECT toString(min(time)) AS t FROM flows WHERE time >= '2026-01-02 00:30:00'",
    );
    expect(found[0]!.dataStart).toBe(`${first!.t.replace(' ', 'T')}Z`);
    const [early] = await rows<{ n: string }>(
      db,
      "SELECT toString(count()) AS n FROM flows WHERE time >= '2026-01-02 00:00:00' AND time < '2026-01-02 00:30:00'",
    );
    expect(Number(early!.n)).toBeGreaterThan(0);
  });

  it('finds the same with the raw look-back gone: only the window and the partial hours are read from flows', async () => {
    const before = await Promise.all(CASES.map(([f, t, h]) => incrementalAndRaw(f, t, h)));
    // The edge window's whole look-back hours, [01:00, 12:00) of day 2, deleted from raw flows only.
    await db.client.command({
      query:
        "ALTER TABLE flows DELETE WHERE time >= '2026-01-02 01:00:00' AND time < '2026-01-02 12:00:00' " +
        'SETTINGS mutations_sync = 2',
    });
    const edge = await incrementalAndRaw(...CASES[0]!);
    expect(edge.raw).not.toEqual(before[0]!.raw);
    expect(edge.incremental).toEqual(before[0]!.raw);
    // Raw retention drops whole days: a day-3 window with a 48 h look-back still finds the same.
    for (const day of ['20260101', '20260102'])
      await db.client.command({ query: `ALTER TABLE flows DROP PARTITION ${day}` });
    const aligned = await incrementalAndRaw(...CASES[5]!);
    expect(aligned.incremental).toEqual(before[5]!.raw);
  });

  it('reads whole days of the look-back from flows_internal_1d (migration 0780), the hours around them hourly', async () => {
    // CASES[5]: a day-3 window (its raw rows still stored) with a 48 h look-back of two whole days.
    // One RDP pair seen on day 1 (history) and again in the window: known, so not reported.
    await insertFlows(db, [rdp(5 * 3600, '10.3.0.20'), rdp(49 * 3600, '10.3.0.20')]);
    const before = await incrementalAndRaw(...CASES[5]!);
    expect(before.incremental.map((r) => r.ip)).not.toContain('10.3.0.20');
    expect(before.days).toEqual(['2026-01-01 00:00:00.000', '2026-01-03 00:00:00.000']);
    expect(before.incremental.length).toBeGreaterThan(0);
    await db.client.command({
      query:
        "ALTER TABLE flows_internal_1h DELETE WHERE time >= '2026-01-01 00:00:00' AND time < '2026-01-03 00:00:00' " +
        'SETTINGS mutations_sync = 2',
    });
    const after = await incrementalAndRaw(...CASES[5]!);
    // Without the hourly rows of those days the hourly-only query finds the pair new; the daily rows
    // still know it.
    expect(after.hourly.map((r) => r.ip)).toContain('10.3.0.20');
    expect(after.incremental).toEqual(before.incremental);
  });
});

describe('migrations 0730 and 0740 DDL', () => {
  it('0740 drops the monthly table and view at once and builds them again by day, on every node in cluster mode', () => {
    const cluster = migration0740.up({ ...DEFAULT_SCHEMA_OPTIONS, cluster: 'prod' }).join('\n');
    expect(cluster).toContain('DROP VIEW IF EXISTS flows_internal_1h_mv ON CLUSTER prod SYNC');
    expect(cluster).toContain('DROP TABLE IF EXISTS flows_internal_1h ON CLUSTER prod SYNC');
    expect(cluster).toContain('DROP TABLE IF EXISTS flows_internal_1h_local ON CLUSTER prod SYNC');
    expect(cluster).toMatch(
      /CREATE TABLE IF NOT EXISTS flows_internal_1h_local ON CLUSTER prod[\s\S]*PARTITION BY toYYYYMMDD\(time\)/,
    );
    expect(cluster).toMatch(/INSERT INTO flows_internal_1h SELECT .* FROM flows WHERE/);
    expect(migration0730.up(DEFAULT_SCHEMA_OPTIONS).join('\n')).toContain('PARTITION BY toYYYYMM(time)');
  });

  it('keeps the rollup from arrival for the longer retention; cluster mode rolls up through Distributed tables', () => {
    const single = migration0730
      .up({ ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 30, hourTtlDays: 400 })
      .join('\n');
    expect(single).toContain(
      "TTL greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY) + INTERVAL 400 DAY DELETE",
    );
    expect(migration0730.up({ ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0 }).join('\n')).not.toContain('TTL');
    const cluster = migration0730.up({ ...DEFAULT_SCHEMA_OPTIONS, cluster: 'prod' }).join('\n');
    expect(cluster).toContain('TRUNCATE TABLE IF EXISTS flows_internal_1h_local ON CLUSTER prod');
    expect(cluster).toMatch(/INSERT INTO flows_internal_1h SELECT .* FROM flows WHERE/);
    expect(cluster).toMatch(
      /CREATE MATERIALIZED VIEW IF NOT EXISTS flows_internal_1h_mv ON CLUSTER prod TO flows_internal_1h_local\nAS SELECT .* FROM flows_local WHERE/,
    );
  });
});
