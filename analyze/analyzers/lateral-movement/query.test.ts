import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { openTestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { windowOf } from '../../test-context.js';
import { LateralMovementConfigSchema } from './config.js';
import { detectLateralMovement } from './detect.js';
import { lateralMovementQuery } from './query.js';

const BASE = '2026-01-01T00:00:00Z';
const WEB = '10.1.1.5';
const DC = '10.0.1.4';
const APP = '10.1.2.4';
let db: Db & { dir: string };

const flow = (h: number, src: string, dst: string, port: number, over: Partial<FlowSpec> = {}): FlowSpec => ({
  time: at(BASE, h * 3600),
  src_ip: src,
  dst_ip: dst,
  dst_port: port,
  direction: 'inbound',
  rule: 'DefaultRule_AllowVnetInBound',
  rule_name: 'AllowVnetInBound',
  bytes_sent: 5_000,
  bytes_received: 9_000,
  ...over,
});

beforeAll(async () => {
  db = await openTestDb();
  const baseline: FlowSpec[] = [];
  for (let h = 0; h < 30; h++) {
    // AD DS from three hosts makes 10.0.1.4 a domain controller; the app host uses SMB to it daily.
    for (const src of [APP, '10.1.2.5', '10.1.2.6']) baseline.push(flow(h, src, DC, 88));
    baseline.push(flow(h, APP, DC, 445));
  }
  // Twelve internet clients make 10.1.1.5 a web tier host.
  for (let k = 0; k < 12; k++) baseline.push(flow(1, `52.10.0.${k + 1}`, WEB, 443));
  await insertFlows(db, [
    ...baseline,
    flow(40, WEB, DC, 3389, { bytes_sent: 20_000_000, bytes_received: 90_000_000 }),
    flow(40, WEB, DC, 3389, { direction: 'outbound', bytes_sent: 20_000_000, bytes_received: 90_000_000 }),
    flow(41, APP, DC, 445), // known pair: not new
    flow(41, APP, '10.1.2.9', 22, { bytes_sent: 100, bytes_received: 0 }), // new, no session: low
    // jump host: RDP to two servers in the baseline, a new one in the window — routine, low
    flow(2, '10.0.2.4', '10.1.2.20', 3389, { bytes_received: 5_000_000 }),
    flow(3, '10.0.2.4', '10.1.2.21', 3389, { bytes_received: 5_000_000 }),
    flow(40, '10.0.2.4', '10.1.2.22', 3389, { bytes_received: 5_000_000 }),
    // an app host's first RDP session anywhere: medium
    flow(40, '10.1.2.6', '10.1.2.30', 3389, { bytes_received: 5_000_000 }),
    flow(42, APP, DC, 3389, { action: 'deny' }), // denied: not movement
  ]);
});
afterAll(() => db.close());

describe('lateral-movement on chDB', () => {
  const config = LateralMovementConfigSchema.parse({});
  const window = windowOf('2026-01-02T12:00:00Z', '2026-01-03T00:00:00Z');

  it('reports new internal management pairs with inferred tiers; known and denied pairs are not', async () => {
    const rows = await executeQuery(db.client, lateralMovementQuery(config, window));
    expect(rows.map((r) => `${r.ip}>${r.remote}:${r.port}`)).toEqual([
      '10.0.2.4>10.1.2.22:3389',
      `${WEB}>${DC}:3389`,
      `${APP}>10.1.2.9:22`,
      '10.1.2.6>10.1.2.30:3389',
    ]);
    const findings = detectLateralMovement(rows, config, window);
    const rdp = findings.find((f) => f.subject.ip === WEB)!;
    expect(rdp).toMatchObject({
      severity: 'high',
      subject: { ip: WEB, remoteIp: DC, port: 3389 },
      evidence: {
        sourceTier: 'web',
        destinationTier: 'domain-controller',
        rule: 'AllowVnetInBound',
        bytes: 110_000_000,
      },
    });
    expect(findings.find((f) => f.subject.port === 22)!.severity).toBe('low');
    expect(findings.find((f) => f.subject.ip === '10.0.2.4')).toMatchObject({
      severity: 'low',
      evidence: { sourcePeersOnPortBefore: 2 },
    });
    expect(findings.find((f) => f.subject.ip === '10.1.2.6')!.severity).toBe('medium');
  });

  it('says nothing without a day of history before the window', async () => {
    const early = windowOf('2026-01-01T10:00:00Z', '2026-01-03T00:00:00Z');
    const rows = await executeQuery(db.client, lateralMovementQuery(config, early));
    expect(rows.length).toBeGreaterThan(0);
    expect(detectLateralMovement(rows, config, early)).toEqual([]);
  });
});
