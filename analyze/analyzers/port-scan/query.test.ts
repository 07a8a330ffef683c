import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { openTestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { windowOf } from '../../test-context.js';
import { PortSweepConfigSchema } from '../port-sweep/config.js';
import { portSweepQuery } from '../port-sweep/query.js';
import { PortScanConfigSchema } from './config.js';
import { portScanQuery } from './query.js';

const T0 = '2026-01-01T10:00:00Z';
let db: Db & { dir: string };

beforeAll(async () => {
  db = await openTestDb();
  const scan: FlowSpec[] = Array.from({ length: 80 }, (_, i) => ({
    time: at(T0, 60 + i), // 10:01:00 … 10:02:19, one bucket
    src_ip: '198.51.100.77',
    dst_ip: '10.0.1.4',
    src_port: 40000 + i,
    dst_port: i + 1,
    action: i + 1 === 443 ? 'allow' : 'deny',
    state: 'deny',
  }));
  // 50 ports is not more than 50: no finding for this one
  const edge: FlowSpec[] = Array.from({ length: 50 }, (_, i) => ({
    time: at(T0, 30 + i),
    src_ip: '203.0.113.5',
    dst_ip: '10.0.1.4',
    dst_port: 1000 + i,
    action: 'deny',
    state: 'deny',
  }));
  // internal host sweeping 445 over 25 hosts within one hour, plus the same ports spread across two buckets
  const sweep: FlowSpec[] = Array.from({ length: 25 }, (_, i) => ({
    time: at(T0, 120 * i),
    src_ip: '10.0.2.9',
    dst_ip: `10.0.3.${i + 1}`,
    dst_port: 445,
    direction: 'outbound',
    action: 'allow',
  }));
  await insertFlows(db, [...scan, ...edge, ...sweep]);
});
afterAll(() => db.close());

describe('port-scan and port-sweep queries on chDB', () => {
  it('counts distinct ports per (source, target) in 5-minute buckets, denied included', async () => {
    const q = portScanQuery(
      PortScanConfigSchema.parse({}),
      windowOf('2026-01-01T10:02:00Z', '2026-01-01T11:00:00Z'),
    );
    const rows = await executeQuery(db.client, q);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      ip: '198.51.100.77',
      target: '10.0.1.4',
      bucket: '2026-01-01T10:00:00.000Z',
      ports: 80,
      allowed: 0,
      publicSource: 1,
    });
    expect(rows[0]!.portList.slice(0, 3)).toEqual([1, 2, 3]);
    expect(rows[0]!.samples[0]).toMatchObject({ srcIp: '198.51.100.77', action: 'deny', state: 'deny' });
  });

  it('counts distinct hosts per (source, port) in 1-hour buckets', async () => {
    const q = portSweepQuery(PortSweepConfigSchema.parse({}), windowOf(T0, '2026-01-01T11:00:00Z'));
    const rows = await executeQuery(db.client, q);
    expect(rows.map((r) => [r.ip, r.port, r.hosts, r.publicSource])).toEqual([['10.0.2.9', 445, 25, 0]]);
  });
});
