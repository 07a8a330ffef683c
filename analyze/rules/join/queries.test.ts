import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, rows, type TestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { queryKeyStats, queryKeyStatsAndCoverage } from './queries.js';

/**
 * The rule report reads its window once for the rule groups' hits and the NSGs' coverage: the same
 * stats as {@link queryKeyStats} and the same slices as the separate coverage scan it replaced.
 */
let db: TestDb;
const BASE = '2026-02-01T00:00:00Z';
const WINDOW = { from: '2026-02-01T00:00:00.000Z', to: '2026-02-04T00:00:00.000Z' };
const SLICES = 12;

function flows(): FlowSpec[] {
  const out: FlowSpec[] = [];
  const nsgs = ['nsg-a', 'nsg-b', 'nsg-c'];
  const rules = ['AllowWeb', 'DenyAll', 'AllowSsh'];
  for (let i = 0; i < 400; i++) {
    // Uneven: nsg-c only on the first day, so some of its slices stay empty.
    const nsg = nsgs[i % 3]!;
    const hours = nsg === 'nsg-c' ? i % 24 : (i * 7) % 80;
    out.push({
      time: at(BASE, hours * 3600 + (i % 60)),
      nsg,
      rule_name: rules[(i >> 2) % 3]!,
      action: i % 5 ? 'allow' : 'deny',
      direction: i % 2 ? 'inbound' : 'outbound',
      src_ip: i % 3 ? `10.0.0.${i % 20}` : `52.1.0.${i % 9}`,
      dst_ip: '10.0.1.1',
    });
  }
  // Outside the window: counted by neither.
  out.push({ time: at(BASE, 80 * 3600), nsg: 'nsg-a', src_ip: '10.0.0.1', dst_ip: '10.0.1.1' });
  return out;
}

beforeAll(async () => {
  db = await openTestDb();
  await insertFlows(db, flows());
});
afterAll(() => db.close());

describe('queryKeyStatsAndCoverage', () => {
  it('gives the rule groups of queryKeyStats and the coverage of a separate scan, in one read', async () => {
    const { stats, coverage } = await queryKeyStatsAndCoverage(db, WINDOW, SLICES);
    const order = (s: { nsg: string; ruleName: string; direction: string; action: string }) =>
      `${s.nsg}|${s.ruleName}|${s.direction}|${s.action}`;
    const sorted = <T extends Parameters<typeof order>[0]>(a: T[]) =>
      [...a].sort((x, y) => order(x).localeCompare(order(y)));
    expect(sorted(stats)).toEqual(sorted(await queryKeyStats(db, WINDOW)));
    expect(stats.length).toBeGreaterThan(6);
    // The coverage query the report ran before (per NSG key, slices of the window with any flow).
    const slice = Math.ceil((Date.parse(WINDOW.to) - Date.parse(WINDOW.from)) / SLICES);
    const raw = await rows<{ nsg: string; buckets: number[] }>(
      db,
      'SELECT nsg, arraySort(groupUniqArray(toUInt32(intDiv(toUnixTimestamp64Milli(time) - {fromMs:Int64}, {slice:Int64})))) AS buckets ' +
        "FROM flows WHERE time >= {from:DateTime64(3, 'UTC')} AND time < {to:DateTime64(3, 'UTC')} " +
        'GROUP BY nsg, acl_id, subscription_id, resource_group ORDER BY nsg',
      {
        from: WINDOW.from.replace('T', ' ').replace('Z', ''),
        to: WINDOW.to.replace('T', ' ').replace('Z', ''),
        fromMs: Date.parse(WINDOW.from),
        slice,
      },
    );
    const merged = coverage
      .map((c) => ({ nsg: c.key.nsg, buckets: c.buckets }))
      .sort((a, b) => a.nsg.localeCompare(b.nsg));
    expect(merged).toEqual(
      raw.map((r) => ({ nsg: r.nsg, buckets: r.buckets.map(Number).filter((b) => b < SLICES) })),
    );
    expect(merged.find((c) => c.nsg === 'nsg-c')!.buckets).toEqual([0, 1, 2, 3]); // day 1: 4 of 12 slices
    expect(merged.find((c) => c.nsg === 'nsg-a')!.buckets.length).toBeGreaterThan(4);
  });
});
