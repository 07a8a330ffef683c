import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { openTestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { emptyContext, windowOf } from '../../test-context.js';
import { BruteForceConfigSchema } from './config.js';
import { detectBruteForce } from './detect.js';
import { bruteForceQuery } from './query.js';

const T0 = '2026-01-01T10:00:00Z';
let db: Db & { dir: string };

/** A short RDP connection as NSG v2 logs it: a B row, then an E row with the counters. */
function attempt(src: string, i: number, allow = true): FlowSpec[] {
  const base = { src_ip: src, dst_ip: '10.0.1.5', src_port: 50000 + i, dst_port: 3389 };
  if (!allow) return [{ ...base, time: at(T0, i * 8), action: 'deny', state: 'deny' }];
  return [
    { ...base, time: at(T0, i * 8), state: 'begin' },
    {
      ...base,
      time: at(T0, i * 8 + 2),
      state: 'end',
      bytes_sent: 2500,
      bytes_received: 2000,
      packets_sent: 10,
      packets_received: 8,
    },
  ];
}

beforeAll(async () => {
  db = await openTestDb();
  await insertFlows(db, [
    ...Array.from({ length: 30 }, (_, i) => attempt('45.155.205.233', i)).flat(),
    // 40 denied attempts: blocked by the NSG, not brute force against the service
    ...Array.from({ length: 40 }, (_, i) => attempt('198.51.100.8', i, false)).flat(),
    // 24 allowed attempts: under the threshold of 25
    ...Array.from({ length: 24 }, (_, i) => attempt('203.0.113.8', i)).flat(),
  ]);
});
afterAll(() => db.close());

describe('brute-force query on chDB', () => {
  it('counts allowed connections (source ports) per source, target and port', async () => {
    const config = BruteForceConfigSchema.parse({});
    const rows = await executeQuery(db.client, bruteForceQuery(config, windowOf(T0, '2026-01-01T10:05:00Z')));
    expect(rows.map((r) => [r.ip, r.target, r.port, r.attempts, r.flows, r.bytes])).toEqual([
      ['45.155.205.233', '10.0.1.5', 3389, 30, 60, 30 * 4500],
    ]);
    const [f] = detectBruteForce(rows, config, emptyContext());
    expect(f).toMatchObject({
      category: 'brute-force',
      severity: 'high',
      subject: { remoteIp: '45.155.205.233' },
    });
    expect(f!.evidence.sampleFlows).toHaveLength(5);
  });
});
