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
  // A nightly 8 GiB backup on each of three days (hours 1, 25, 49) and a small daily check-in.
  const history = [1, 25, 49].map((h) => out(h, '20.60.40.4', 8 * 1024 * MiB));
  await insertFlows(db, [
    ...history,
    out(0, '13.107.4.50', 1000),
    // hour 50: a B row (no counters), then C and E deltas to a new destination: 150 + 250 MiB
    out(50, '185.220.101.45', 0, { state: 'begin', bytes_received: 0 }),
    out(50, '185.220.101.45', 150 * MiB, { state: 'continue' }),
    out(50, '185.220.101.45', 250 * MiB, { state: 'end' }),
    // a 900 MiB download: bytes_received on an outbound flow is not egress
    out(50, '91.189.91.83', 1000, { bytes_received: 900 * MiB }),
    // server replies on a connection the client opened: 2 GiB, not an exfiltration candidate
    {
      time: at(BASE, 50 * 3600 + 900),
      src_ip: '203.0.113.50',
      dst_ip: '10.0.2.5',
      dst_port: 443,
      bytes_sent: 5000,
      bytes_received: 2048 * MiB,
    },
    // 2 GiB to a private endpoint: not the internet
    out(50, '10.0.9.4', 2048 * MiB),
  ]);
});
afterAll(() => db.close());

describe('exfiltration query on chDB', () => {
  it('sums what the host uploaded per destination and hour on connections it opened, with fleet first contact', async () => {
    const config = ExfiltrationConfigSchema.parse({});
    const window = windowOf('2026-01-03T00:00:00Z', '2026-01-03T03:00:00Z');
    const rows = await executeQuery(db.client, exfiltrationQuery(config, window));
    expect(rows.map((r) => `${r.remote} ${r.hour}`)).toEqual([
      '185.220.101.45 2026-01-03T02:00:00.000Z',
      '20.60.40.4 2026-01-01T01:00:00.000Z',
      '20.60.40.4 2026-01-02T01:00:00.000Z',
      '20.60.40.4 2026-01-03T01:00:00.000Z',
    ]);
    const leak = rows[0]!;
    expect(leak).toMatchObject({ ip: '10.0.2.5', bytes: 400 * MiB, dataStart: '2026-01-01T00:10:00.000Z' });
    expect(leak.fleetFirst).toBe('2026-01-03T02:10:00.000Z');

    const findings = detectExfiltration(rows, config, window, emptyContext());
    expect(findings.map((f) => [f.subject.remoteIp, f.severity])).toEqual([['185.220.101.45', 'high']]);
  });
});
