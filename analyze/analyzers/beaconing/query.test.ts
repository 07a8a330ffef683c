import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { openTestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { emptyContext, windowOf } from '../../test-context.js';
import { BeaconingConfigSchema } from './config.js';
import { detectBeaconing } from './detect.js';
import { beaconQuery } from './query.js';

const T0 = '2026-01-01T10:00:00Z';
let db: Db & { dir: string };

/** One outbound connection: B row at start, E row 1 s later with counters (the B time is the start). */
function conn(src: string, dst: string, seconds: number, srcPort: number): FlowSpec[] {
  const base = { src_ip: src, dst_ip: dst, src_port: srcPort, dst_port: 443, direction: 'outbound' as const };
  return [
    { ...base, time: at(T0, seconds), state: 'begin' },
    { ...base, time: at(T0, seconds + 1), state: 'end', bytes_sent: 1000, bytes_received: 1400 },
  ];
}

beforeAll(async () => {
  db = await openTestDb();
  const beacon = Array.from({ length: 20 }, (_, i) =>
    conn('10.0.2.4', '91.92.109.23', i * 60, 40000 + i),
  ).flat();
  // B and E of one connection share the source port: must count once
  const irregular = [
    0, 7, 300, 320, 1500, 1600, 2900, 2905, 3300, 3500, 4000, 4100, 4900, 5000, 6000, 6100, 6200,
  ].flatMap((s, i) => conn('10.0.2.5', '151.101.2.132', s, 41000 + i));
  // private destination: never beaconing material
  const internal = Array.from({ length: 20 }, (_, i) =>
    conn('10.0.2.4', '10.0.9.9', i * 60, 42000 + i),
  ).flat();
  await insertFlows(db, [...beacon, ...irregular, ...internal]);
});
afterAll(() => db.close());

describe('beaconing query on chDB', () => {
  it('returns sorted connection starts per pair and only the regular one is a beacon', async () => {
    const config = BeaconingConfigSchema.parse({});
    const rows = await executeQuery(
      db.client,
      beaconQuery(config, windowOf('2026-01-01T11:00:00Z', '2026-01-01T12:00:00Z')),
    );
    expect(rows.map((r) => [r.ip, r.remote, r.connections, r.peers])).toEqual([
      ['10.0.2.4', '91.92.109.23', 20, 1],
      ['10.0.2.5', '151.101.2.132', 17, 1],
    ]);
    expect(rows[0]!.starts[1]! - rows[0]!.starts[0]!).toBe(60_000);
    expect(rows[0]!.bytesOut).toBe(20_000);
    expect(rows[0]!.sizes).toEqual(Array.from({ length: 20 }, () => 2_400));
    const findings = detectBeaconing(rows, config, emptyContext());
    expect(findings.map((f) => f.subject.remoteIp)).toEqual(['91.92.109.23']);
  });
});
