import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { openTestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { emptyContext, windowOf } from '../../test-context.js';
import { ExfiltrationConfigSchema } from './config.js';
import { detectExfiltration } from './detect.js';
import { exfiltrationQuery } from './query.js';

const MiB = 1024 * 1024;
const BASE = '2026-01-01T00:00:00Z';
let db: Db & { dir: string };

const out = (h: number, dst: string, bytes: number, over: Partial<FlowSpec> = {}): FlowSpec => ({
  time: at(BASE, h * 3600 + 600),
  src_ip: '10.0.2.5',
  dst_ip: dst,
  direction: 'outbound',
  state: 'end',
  bytes_sent: bytes,
  bytes_received: 1000,
  ...over,
});

beforeAll(async () => {
  db = await openTestDb();
  const history = Array.from({ length: 20 }, (_, h) => out(h, '151.101.2.132', 50 * MiB));
  await insertFlows(db, [
    ...history,
    // hour 20: a B row (no counters), then C and E deltas to a new destination: 150 + 250 MiB
    out(20, '185.220.101.45', 0, { state: 'begin', bytes_received: 0 }),
    out(20, '185.220.101.45', 150 * MiB, { state: 'continue' }),
    out(20, '185.220.101.45', 250 * MiB, { state: 'end' }),
    // a 900 MiB download: bytes_received on an outbound flow is not egress
    out(20, '91.189.91.83', 1000, { bytes_received: 900 * MiB }),
    // server replies: inbound flow initiated by a client, bytes_received = what 10.0.2.5 sent (20 MiB)
    {
      time: at(BASE, 20 * 3600 + 900),
      src_ip: '203.0.113.50',
      dst_ip: '10.0.2.5',
      dst_port: 443,
      bytes_sent: 5000,
      bytes_received: 20 * MiB,
    },
    // 2 GiB to a private endpoint: not the internet
    out(20, '10.0.9.4', 2048 * MiB),
  ]);
});
afterAll(() => db.close());

describe('exfiltration query on chDB', () => {
  it('sums bytes the local host sent to public peers per hour, direction-aware, with new-destination bytes', async () => {
    const config = ExfiltrationConfigSchema.parse({});
    const window = windowOf('2026-01-01T20:00:00Z', '2026-01-01T21:00:00Z');
    const rows = await executeQuery(db.client, exfiltrationQuery(config, window));
    const h20 = rows.find((r) => r.hour === '2026-01-01T20:00:00Z')!;
    expect(h20).toMatchObject({
      ip: '10.0.2.5',
      bytes: 400 * MiB + 1000 + 20 * MiB,
      newBytes: 400 * MiB + 1000,
      destinations: 3,
      newDestinations: 2,
    });
    expect(h20.topDestinations[0]).toBe('185.220.101.45');
    expect(rows.filter((r) => r.hour < '2026-01-01T20').length).toBe(20);

    const [f] = detectExfiltration(rows, config, window, emptyContext());
    expect(f).toMatchObject({
      category: 'exfiltration',
      severity: 'high',
      subject: { ip: '10.0.2.5', remoteIp: '185.220.101.45' },
    });
  });
});
