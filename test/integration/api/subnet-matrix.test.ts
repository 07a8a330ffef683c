import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFilter } from '../../../api/filter/compile.js';
import { parseFilter } from '../../../api/filter/parse.js';
import { ParamBag } from '../../../api/query/params.js';
import type { Metric } from '../../../api/query/source.js';
import { chTime, type TimeWindow } from '../../../api/query/time.js';
import { type MatrixCell, subnetMatrix } from '../../../api/routes/traffic/matrix.js';
import { generateFlows, type SeedFlow, seedFlows } from '../../harness/api-seed.js';
import { openTestDb, rows, type TestDb } from '../../harness/chdb.js';

/**
 * Differential test of the segmentation matrix (api/routes/traffic/matrix.ts), which sums rows per
 * numeric subnet pair before turning the pairs into text, against the per-row reference it
 * replaced: both addresses formatted and cut as text on every raw row, grouped on the text. With
 * `remote_is_public = false` by flows or bytes the matrix reads `flows_internal_1d` for whole days
 * (window 0 is two of them) and `flows_internal_1h` for whole hours (window 1 has partial hours at
 * both ends and no whole day; window 2 has all three tiers), so those cases compare the rollup
 * paths with raw rows.
 * IPv4 and IPv6 (/64) addresses, every prefix, metric and a few filters.
 */
let db: TestDb;
const START = new Date('2026-01-10T00:17:23.000Z');

const v6 = (i: number, src: string, dst: string, action: 'allow' | 'deny'): SeedFlow => ({
  time: `2026-01-10 0${i % 10}:3${i % 10}:00.000`,
  nsg: 'nsg-v6',
  rule: action === 'allow' ? 'UserRule_AllowV6' : 'DefaultRule_DenyAllInBound',
  src_ip: src,
  dst_ip: dst,
  dst_port: 443,
  direction: 'inbound',
  action,
  packets_sent: 3,
  bytes_sent: 300 + i,
});

beforeAll(async () => {
  db = await openTestDb();
  await generateFlows(db, { count: 20_000, from: START, spanMs: 2 * 86400e3 });
  await seedFlows(db, [
    v6(1, '2001:db8:1:2::5', '2001:db8:9:9::6', 'allow'),
    v6(2, '2001:db8:1:2:ffff::7', '2001:db8:9:9:1::8', 'allow'),
    v6(3, 'fd00:1:2:3::4', '2001:db8:9:9::6', 'deny'),
    v6(4, 'fd00:1:2:4::4', '10.0.0.4', 'allow'),
    v6(5, '0.0.0.1', '255.255.255.254', 'allow'),
  ]);
});
afterAll(async () => {
  await db.close();
});

const win = (from: string, to: string): TimeWindow => ({ from: new Date(from), to: new Date(to) });
const WINDOWS: TimeWindow[] = [
  win('2026-01-10T00:00:00Z', '2026-01-12T00:00:00Z'),
  win('2026-01-10T05:12:07.250Z', '2026-01-11T03:44:59.999Z'),
  // Every tier at once: raw minutes, hours of Jan 10, the whole day Jan 11, raw minutes of Jan 12.
  win('2026-01-10T05:12:07.250Z', '2026-01-12T00:10:00.000Z'),
];
const FILTERS = ['', 'remote_is_public = false', 'action = deny OR nsg = "nsg-v6"'];

/** The query the matrix ran before: per row, text subnets via cutIPv6. */
function subnetText(column: string, prefix: number): string {
  const cut = `cutIPv6(${column}, 8, ${(32 - prefix) / 8})`;
  return (
    `if(startsWith(IPv6NumToString(${column}), '::ffff:'), ` +
    `concat(replaceRegexpOne(${cut}, '^::ffff:', ''), '/${prefix}'), concat(${cut}, '/64'))`
  );
}
const SUM: Record<Metric, (cond: string) => string> = {
  bytes: (c) => `sumIf(bytes_sent + bytes_received, ${c})`,
  packets: (c) => `sumIf(packets_sent + packets_received, ${c})`,
  flows: (c) => `countIf(${c})`,
};

async function perRow(window: TimeWindow, text: string, metric: Metric, prefix: 8 | 16 | 24) {
  const params = new ParamBag();
  const from = params.add('DateTime64(3)', chTime(window.from));
  const to = params.add('DateTime64(3)', chTime(window.to));
  const filter = compileFilter(text ? parseFilter(text) : null, params);
  const sql =
    `SELECT ${subnetText('src_ip', prefix)} AS src, ${subnetText('dst_ip', prefix)} AS dst, ` +
    `${SUM[metric]("action = 'allow'")} AS allowed, ${SUM[metric]("action = 'deny'")} AS denied ` +
    `FROM flows WHERE time >= ${from} AND time < ${to} AND ${filter} GROUP BY src, dst`;
  const out = await rows<{ src: string; dst: string; allowed: string; denied: string }>(
    db,
    sql,
    params.values,
  );
  return sorted(out.map((r) => ({ ...r, allowed: Number(r.allowed), denied: Number(r.denied) })));
}

const sorted = (cells: MatrixCell[]) =>
  [...cells].sort((a, b) => a.src.localeCompare(b.src) || a.dst.localeCompare(b.dst));

describe('the subnet matrix answers as per-row text subnets did', () => {
  for (const [i, window] of WINDOWS.entries()) {
    it.each(FILTERS)(`window ${i}, filter "%s"`, async (text) => {
      for (const prefix of [8, 16, 24] as const) {
        for (const metric of ['flows', 'bytes', 'packets'] as const) {
          const filter = text ? parseFilter(text) : null;
          const got = await subnetMatrix(db, { window, filter, metric, prefix, limit: 1000 });
          const want = await perRow(window, text, metric, prefix);
          expect(want.length).toBeGreaterThan(0);
          expect(sorted(got), `${prefix} ${metric} ${text}`).toEqual(want);
          const totals = got.map((c) => c.allowed + c.denied);
          expect(totals).toEqual([...totals].sort((a, b) => b - a));
          const top = await subnetMatrix(db, { window, filter, metric, prefix, limit: 3 });
          expect(top).toEqual(got.slice(0, 3));
        }
      }
    });
  }

  it('reads private traffic by flows or bytes from the internal-pair rollups (days, then hours), packets from raw rows', async () => {
    const pair = (src: string, time: string, flows: number) => ({
      time,
      dst_port: 445,
      src_ip: `::ffff:${src}`,
      dst_ip: '::ffff:10.98.0.1',
      direction: 'outbound',
      action: 'allow',
      remote_is_public: false,
      stored_on: time.slice(0, 10),
      flows,
      bytes: flows * 10,
      first_seen: `${time}.000`,
      last_seen: `${time}.000`,
    });
    // Rows only the rollups have: the rollup path shows them, the raw path (packets) cannot. The
    // hourly row also reaches `flows_internal_1d` through its chained view; the daily row is only there.
    await db.client.insert({
      table: 'flows_internal_1h',
      format: 'JSONEachRow',
      values: [pair('10.99.0.1', '2026-01-10 12:00:00', 7)],
    });
    await db.client.insert({
      table: 'flows_internal_1d',
      format: 'JSONEachRow',
      values: [pair('10.97.0.1', '2026-01-11 00:00:00', 5)],
    });
    try {
      const cell = async (window: TimeWindow, src: string, metric: Metric) =>
        (
          await subnetMatrix(db, {
            window,
            filter: parseFilter('remote_is_public = false'),
            metric,
            prefix: 16,
            limit: 100_000,
          })
        ).find((c) => c.src === src && c.dst === '10.98.0.0/16');
      // Window 1 holds whole hours but no whole day: the hourly row, not the daily one.
      expect(await cell(WINDOWS[1]!, '10.99.0.0/16', 'flows')).toEqual({
        src: '10.99.0.0/16',
        dst: '10.98.0.0/16',
        allowed: 7,
        denied: 0,
      });
      expect(await cell(WINDOWS[1]!, '10.99.0.0/16', 'bytes')).toMatchObject({ allowed: 70 });
      expect(await cell(WINDOWS[1]!, '10.99.0.0/16', 'packets')).toBeUndefined();
      expect(await cell(WINDOWS[1]!, '10.97.0.0/16', 'flows')).toBeUndefined();
      // Window 0 is two whole days, read from the daily table: both rows, the hourly one once.
      expect(await cell(WINDOWS[0]!, '10.99.0.0/16', 'flows')).toMatchObject({ allowed: 7 });
      expect(await cell(WINDOWS[0]!, '10.97.0.0/16', 'bytes')).toMatchObject({ allowed: 50 });
      expect(await cell(WINDOWS[0]!, '10.97.0.0/16', 'packets')).toBeUndefined();
    } finally {
      for (const table of ['flows_internal_1h', 'flows_internal_1d'])
        await db.client.command({
          query: `ALTER TABLE ${table} DELETE WHERE src_ip IN (toIPv6('::ffff:10.99.0.1'), toIPv6('::ffff:10.97.0.1')) SETTINGS mutations_sync = 2`,
        });
    }
  });

  it('IPv6 subnets are /64s, IPv4 ones the prefix', async () => {
    const cells = await subnetMatrix(db, {
      window: WINDOWS[0]!,
      filter: parseFilter('nsg = "nsg-v6"'),
      metric: 'flows',
      prefix: 16,
      limit: 10,
    });
    expect(sorted(cells)).toEqual([
      { src: '0.0.0.0/16', dst: '255.255.0.0/16', allowed: 1, denied: 0 },
      { src: '2001:db8:1:2::/64', dst: '2001:db8:9:9::/64', allowed: 2, denied: 0 },
      { src: 'fd00:1:2:3::/64', dst: '2001:db8:9:9::/64', allowed: 0, denied: 1 },
      { src: 'fd00:1:2:4::/64', dst: '10.0.0.0/16', allowed: 1, denied: 0 },
    ]);
  });
});
