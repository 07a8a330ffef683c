import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalysisLoop } from '../../analyze/loop.js';
import type { Db } from '../../core/clickhouse/client.js';
import { parseConfig } from '../../core/config/load.js';
import { FindingSchema } from '../../core/finding.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import { BRUTE_FORCE_IP } from '../../simulator/incidents.js';
import { openTestDb } from '../harness/chdb.js';
import { hourStartAgo } from '../harness/clock.js';
import { httpReceiver } from '../harness/receivers.js';
import { ingestDir, phasedSimulation } from '../scenario/phases.js';

// Relative to the clock (two days back, on the hour): the same run on any date.
const START = hourStartAgo(48);
const INCIDENTS = START + 60 * 60_000;
let db: Db & { dir: string };
let tmp: string;

beforeAll(async () => {
  db = await openTestDb();
  tmp = mkdtempSync(join(tmpdir(), 'flowlens-e2e-detect-'));
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('ingest → analysis loop → webhook', () => {
  it('a planted RDP brute force ingested while flowlens runs raises its alert on the webhook', async () => {
    const hook = await httpReceiver();
    const config = parseConfig({
      analyze: { intervalSeconds: 5, cadenceMinutes: { exfiltration: 30, beaconing: 30 } },
      alerts: { channels: [{ type: 'webhook', name: 'soc', url: hook.url, secret: 'e2e' }] },
    });
    const sim = phasedSimulation({
      startMs: START,
      incidentsAtMs: INCIDENTS,
      incidentIds: ['rdp-brute-force'],
    });
    // an hour of benign history, ingested before the loop starts
    await ingestDir(db, dirOf(sim.writeMinutes(join(tmp, 'history'), INCIDENTS)));
    const controller = new AbortController();
    const metrics = createMetrics();
    const loop = startAnalysisLoop({ config, db, logger: silentLogger(), metrics }, controller.signal);
    try {
      // the incident minutes arrive later, as they would from Azure
      await ingestDir(db, dirOf(sim.writeMinutes(join(tmp, 'incident'), INCIDENTS + 12 * 60_000)));
      const requests = await hook.waitForCategory('brute-force');
      const finding = FindingSchema.parse(JSON.parse(requests.body).finding);
      expect(finding.subject).toMatchObject({ ip: '10.10.1.5', remoteIp: BRUTE_FORCE_IP, port: 3389 });
      expect(finding.severity).toBe('high');
      expect(finding.evidence.sampleFlows.length).toBeGreaterThan(0);
      // benign traffic raised nothing at medium or above (the default route)
      const categories = hook.requests.map((r) => JSON.parse(r.body).finding.category);
      expect(
        categories.filter((c: string) => c !== 'brute-force' && c !== 'exposed-management-port'),
      ).toEqual([]);
    } finally {
      controller.abort();
      await loop;
      await hook.close();
    }
  }, 180_000);
});

function dirOf(paths: string[]): string {
  expect(paths.length).toBeGreaterThan(0);
  return paths[0]!.split('/insights-logs-')[0]!;
}
