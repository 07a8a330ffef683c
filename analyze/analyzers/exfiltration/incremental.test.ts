import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migration0710 } from '../../../core/clickhouse/migrations/0710_analyzer_rollups.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../../core/clickhouse/migrations/types.js';
import { openTestDb, rows, type TestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { emptyContext, windowOf } from '../../test-context.js';
import { ExfiltrationConfigSchema } from './config.js';
import { detectExfiltration } from './detect.js';
import { exfiltrationQuery } from './query.js';

const MiB = 1024 * 1024;
const BASE = '2026-01-01T00:00:00Z';
let db: TestDb;

const out = (h: number, dst: string, bytes: number, over: Partial<FlowSpec> = {}): FlowSpec => ({
  time: at(BASE, h * 3600 + 600),
  src_ip: '10.0.2.5',
  dst_ip: dst,
  direction: 'outbound',
  bytes_sent: bytes,
  ...over,
});

// Egress rows (outbound, allowed, public, bytes sent) and rows each rollup must leave out or keep.
const FLOWS: FlowSpec[] = [
  ...[1, 25, 49].map((h) => out(h, '20.60.40.4', 8 * 1024 * MiB)),
  out(25, '20.60.40.5', 1000, { time: at(BASE, 25 * 3600 + 1200) }),
  out(2, '13.107.4.50', 0, { action: 'deny', state: 'deny' }), // contact only: no bytes allowed out
  out(3, '10.0.9.4', 5000), // private: neither
  { time: at(BASE, 4 * 3600), src_ip: '203.0.113.9', dst_ip: '10.0.2.5', bytes_sent: 7 }, // inbound: neither
  // The window (hour 50): 40 GiB to the usual backup target, 400 MiB to a new destination.
  out(50, '20.60.40.4', 40 * 1024 * MiB),
  out(50, '185.220.101.45', 400 * MiB),
];

const EGRESS = `remote_is_public AND direction = 'outbound' AND action = 'allow' AND bytes_sent > 0`;
const RAW_EGRESS = `SELECT toString(toStartOfHour(time)) AS h, toString(local_ip) AS l, toString(remote_ip) AS r,
  sum(bytes_sent) AS b, count() AS f, toString(min(time)) AS fs, toString(max(time)) AS ls
  FROM flows WHERE ${EGRESS} GROUP BY h, l, r ORDER BY h, l, r`;
const ROLLUP_EGRESS = `SELECT toString(time) AS h, toString(local_ip) AS l, toString(remote_ip) AS r,
  sum(bytes) AS b, sum(flows) AS f, toString(min(first_seen)) AS fs, toString(max(last_seen)) AS ls
  FROM flows_egress_1h GROUP BY h, l, r ORDER BY h, l, r`;
const RAW_CONTACT = `SELECT toString(toStartOfHour(time)) AS h, toString(remote_ip) AS r, toString(min(time)) AS t
  FROM flows WHERE remote_is_public AND direction = 'outbound' GROUP BY h, r ORDER BY h, r`;
const ROLLUP_CONTACT = `SELECT toString(time) AS h, toString(remote_ip) AS r, toString(min(first_seen)) AS t
  FROM flows_contact_1h GROUP BY h, r ORDER BY h, r`;
const RAW_SPAN = `SELECT toString(toStartOfHour(time)) AS h, toString(min(time)) AS t FROM flows GROUP BY h ORDER BY h`;
const ROLLUP_SPAN = `SELECT toString(time) AS h, toString(min(first_seen)) AS t FROM flows_span_1h GROUP BY h ORDER BY h`;

async function expectRollupsEqualRaw(): Promise<void> {
  expect(await rows(db, ROLLUP_EGRESS)).toEqual(await rows(db, RAW_EGRESS));
  expect(await rows(db, ROLLUP_CONTACT)).toEqual(await rows(db, RAW_CONTACT));
  expect(await rows(db, ROLLUP_SPAN)).toEqual(await rows(db, RAW_SPAN));
}

beforeAll(async () => {
  db = await openTestDb();
  await insertFlows(db, FLOWS);
});
afterAll(() => db.close());

describe('exfiltration reads its look-back from hourly rollups (migration 0710)', () => {
  it('the views roll up exactly the egress, first contacts and first flows of each hour', async () => {
    await expectRollupsEqualRaw();
    expect(await rows(db, ROLLUP_EGRESS)).toHaveLength(6);
    expect((await rows(db, ROLLUP_CONTACT)).map((r) => r.r)).toContain('::ffff:13.107.4.50');
  });

  it('the migration rolls up rows stored before it, and running it again changes nothing', async () => {
    for (const t of ['flows_egress_1h', 'flows_contact_1h', 'flows_span_1h']) {
      await db.client.command({ query: `DROP VIEW ${t}_mv` });
      await db.client.command({ query: `TRUNCATE TABLE ${t}` });
    }
    await insertFlows(db, [out(26, '20.60.40.6', 2000)]); // stored while no view was attached
    const statements = migration0710.up({ ...DEFAULT_SCHEMA_OPTIONS, hourTtlDays: 0 });
    for (const s of [...statements, ...statements]) await db.client.command({ query: s });
    await expectRollupsEqualRaw();
    expect(await rows(db, ROLLUP_EGRESS)).toHaveLength(7);
  });

  it('finds the same with the raw look-back gone: only the window is read from flows', async () => {
    const config = ExfiltrationConfigSchema.parse({});
    const window = windowOf('2026-01-03T02:00:00Z', '2026-01-03T03:00:00Z');
    const detect = async () => {
      const found = await executeQuery(db.client, exfiltrationQuery(config, window));
      return detectExfiltration(found, config, window, emptyContext());
    };
    const before = await detect();
    expect(before.map((f) => [f.subject.remoteIp, f.evidence.kind, f.severity])).toEqual([
      ['185.220.101.45', 'new-destination', 'high'],
      ['20.60.40.4', 'above-pair-history', 'medium'],
    ]);
    expect(before[1]!.evidence.baseline).toMatchObject({ hours: 3, maxBytes: 8 * 1024 * MiB });
    // Raw retention drops whole days: the look-back's raw rows are gone, the rollups keep them.
    for (const day of ['20260101', '20260102'])
      await db.client.command({ query: `ALTER TABLE flows DROP PARTITION ${day}` });
    expect(
      await rows(db, 'SELECT count() AS n FROM flows WHERE time < {t:DateTime}', {
        t: '2026-01-03 00:00:00',
      }),
    ).toEqual([{ n: 0 }]);
    expect(await detect()).toEqual(before);
  });
});

describe('migration 0710 DDL', () => {
  it('keeps rollups from arrival for the longer retention; cluster mode rolls up through Distributed tables', () => {
    const single = migration0710
      .up({ ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 30, hourTtlDays: 400 })
      .join('\n');
    expect(single).toContain(
      "TTL greatest(time, toDateTime(stored_on, 'UTC') + INTERVAL 1 DAY) + INTERVAL 400 DAY DELETE",
    );
    expect(migration0710.up({ ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0 }).join('\n')).not.toContain('TTL');
    const cluster = migration0710.up({ ...DEFAULT_SCHEMA_OPTIONS, cluster: 'prod' }).join('\n');
    expect(cluster).toContain('TRUNCATE TABLE IF EXISTS flows_egress_1h_local ON CLUSTER prod');
    expect(cluster).toMatch(/INSERT INTO flows_egress_1h SELECT .* FROM flows WHERE/);
    expect(cluster).toMatch(
      /CREATE MATERIALIZED VIEW IF NOT EXISTS flows_egress_1h_mv ON CLUSTER prod TO flows_egress_1h_local\nAS SELECT .* FROM flows_local WHERE/,
    );
  });
});
