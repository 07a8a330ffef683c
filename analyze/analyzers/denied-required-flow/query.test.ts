import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { openTestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { windowOf } from '../../test-context.js';
import { DeniedRequiredFlowConfigSchema } from './config.js';
import { detectDeniedRequiredFlows } from './detect.js';
import { deniedFlowQuery } from './query.js';

const BASE = '2026-01-01T00:00:00Z';
let db: Db & { dir: string };

const denied = (
  s: number,
  src: string,
  dst: string,
  port: number,
  over: Partial<FlowSpec> = {},
): FlowSpec => ({
  time: at(BASE, s),
  src_ip: src,
  dst_ip: dst,
  dst_port: port,
  direction: 'inbound',
  action: 'deny',
  state: 'begin',
  nsg: 'data-nsg',
  rule: 'UserRule_DenyAppToData',
  rule_name: 'DenyAppToData',
  ...over,
});

beforeAll(async () => {
  db = await openTestDb();
  const rows: FlowSpec[] = [];
  // app-2 → sql-3:1433 denied every 20 minutes for 4 hours: a broken dependency.
  for (let i = 0; i < 12; i++) rows.push(denied(i * 1200, '10.1.2.5', '10.1.3.6', 1433));
  // A sweeping host: denied on 30 targets — scanning, not a dependency.
  for (let h = 0; h < 4; h++)
    for (let i = 0; i < 30; i++) rows.push(denied(h * 3600 + i, '10.1.2.7', `10.1.1.${i + 4}`, 445));
  // Internet background radiation: public sources are not ours.
  for (let i = 0; i < 12; i++) rows.push(denied(i * 1200, '45.9.1.1', '10.1.3.6', 1433));
  // Two attempts only: not persistent.
  rows.push(denied(10, '10.1.2.4', '10.1.3.6', 1433), denied(7200, '10.1.2.4', '10.1.3.6', 1433));
  await insertFlows(db, rows);
});
afterAll(() => db.close());

describe('denied-required-flow on chDB', () => {
  it('reports the persistent internal deny with the denying rule and the smallest allow rule', async () => {
    const config = DeniedRequiredFlowConfigSchema.parse({});
    const rows = await executeQuery(
      db.client,
      deniedFlowQuery(config, windowOf(BASE, '2026-01-02T00:00:00Z')),
    );
    const findings = detectDeniedRequiredFlows(rows);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'low',
      subject: { ip: '10.1.2.5', remoteIp: '10.1.3.6', port: 1433, rule: 'UserRule_DenyAppToData' },
      evidence: {
        flows: 12,
        hours: 4,
        fix: {
          nsg: 'data-nsg',
          direction: 'Inbound',
          protocol: 'Tcp',
          sourceAddressPrefix: '10.1.2.5/32',
          destinationAddressPrefix: '10.1.3.6/32',
          destinationPortRange: '1433',
          before: 'UserRule_DenyAppToData',
        },
        whatIf: { newlyAllowedAttempts: 12, otherFlowsChanged: 0 },
      },
    });
  });
});
