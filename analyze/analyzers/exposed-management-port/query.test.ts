import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { openTestDb } from '../../../test/harness/chdb.js';
import { at, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { emptyContext, windowOf } from '../../test-context.js';
import { ExposedManagementPortConfigSchema } from './config.js';
import { detectExposure } from './detect.js';
import { exposureQuery } from './query.js';

const T0 = '2026-01-01T10:00:00Z';
let db: Db & { dir: string };

beforeAll(async () => {
  db = await openTestDb();
  await insertFlows(db, [
    // RDP from two public sources, one established (bytes both ways)
    { time: at(T0, 10), src_ip: '203.0.113.7', dst_ip: '10.0.1.4', dst_port: 3389, state: 'begin' },
    {
      time: at(T0, 70),
      src_ip: '203.0.113.7',
      dst_ip: '10.0.1.4',
      dst_port: 3389,
      bytes_sent: 9000,
      bytes_received: 52000,
      packets_sent: 40,
      packets_received: 60,
    },
    { time: at(T0, 90), src_ip: '198.51.100.9', dst_ip: '10.0.1.4', dst_port: 3389, state: 'begin' },
    // denied SSH from the internet: not exposure
    {
      time: at(T0, 20),
      src_ip: '198.51.100.9',
      dst_ip: '10.0.1.5',
      dst_port: 22,
      action: 'deny',
      state: 'deny',
    },
    // SSH from a private address: not the internet
    { time: at(T0, 30), src_ip: '10.0.0.8', dst_ip: '10.0.1.5', dst_port: 22 },
    // HTTPS from the internet: not a management port
    { time: at(T0, 40), src_ip: '203.0.113.7', dst_ip: '10.0.1.6', dst_port: 443 },
    // outside the window
    { time: at(T0, 7200), src_ip: '203.0.113.7', dst_ip: '10.0.1.5', dst_port: 22 },
  ]);
});
afterAll(() => db.close());

describe('exposed-management-port query on chDB', () => {
  it('groups allowed inbound public flows to management ports by host and port', async () => {
    const config = ExposedManagementPortConfigSchema.parse({});
    const window = windowOf(T0, '2026-01-01T11:00:00Z');
    const rows = await executeQuery(db.client, exposureQuery(config, window));
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({
      ip: '10.0.1.4',
      port: 3389,
      protocol: 6,
      flows: 3,
      sources: 2,
      established: 1,
    });
    expect(row!.sourceIps.sort()).toEqual(['198.51.100.9', '203.0.113.7']);
    expect(row!.firstSeen).toBe('2026-01-01T10:00:10.000Z');
    expect(row!.samples[0]).toMatchObject({
      dstIp: '10.0.1.4',
      dstPort: 3389,
      direction: 'inbound',
      nsg: 'nsg-web',
    });

    const findings = detectExposure(rows, config, emptyContext(['203.0.113.0/24']));
    expect(findings[0]).toMatchObject({ severity: 'critical', subject: { ip: '10.0.1.4', port: 3389 } });
    expect(findings[0]!.evidence.threatIntelSources).toEqual(['203.0.113.7']);
  });
});
