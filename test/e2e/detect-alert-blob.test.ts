import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalysisLoop } from '../../analyze/loop.js';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import type { Db } from '../../core/clickhouse/client.js';
import { parseConfig } from '../../core/config/load.js';
import { FindingSchema } from '../../core/finding.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import { startIngest } from '../../ingest/start.js';
import { BRUTE_FORCE_IP } from '../../simulator/incidents.js';
import { openTestDb } from '../harness/chdb.js';
import { httpReceiver } from '../harness/receivers.js';
import { bruteForceBlobScenario } from '../scenario/blob-phases.js';

let db: Db & { dir: string };
let azurite: AzuriteHandle;
beforeAll(async () => {
  db = await openTestDb();
  azurite = await startAzurite();
});
afterAll(async () => {
  await db?.close();
  await azurite?.stop();
});

describe('flowlens run services: blob source → analysis loop → webhook (Azurite)', () => {
  it('a brute force appended to PT1H.json blobs raises its alert', async () => {
    const scenario = await bruteForceBlobScenario(azurite.connectionString);
    const hook = await httpReceiver();
    const config = parseConfig({
      sources: [
        {
          type: 'blob',
          auth: { method: 'connection-string', connectionStringEnv: 'E2E_STORAGE' },
          startTime: scenario.startTime,
          pollIntervalSeconds: 2,
          discoveryIntervalSeconds: 2,
          leases: { enabled: false },
        },
      ],
      analyze: { intervalSeconds: 5 },
      alerts: { channels: [{ type: 'webhook', name: 'soc', url: hook.url }] },
    });
    const logger = silentLogger();
    const controller = new AbortController();
    const deps = { db, metrics: createMetrics(), logger, env: { E2E_STORAGE: azurite.connectionString } };
    const ingest = startIngest(config, deps, controller.signal);
    const loop = startAnalysisLoop({ config, db, logger }, controller.signal);
    try {
      await scenario.writeIncident(12);
      const hit = await hook.waitForCategory('brute-force');
      const finding = FindingSchema.parse(JSON.parse(hit.body).finding);
      expect(finding.subject).toMatchObject({ ip: '10.10.1.5', remoteIp: BRUTE_FORCE_IP, port: 3389 });
      expect(finding.evidence.sampleFlows[0]).toMatchObject({ format: expect.stringMatching(/nsg-v2|vnet/) });
    } finally {
      controller.abort();
      await Promise.all([ingest, loop]);
      await hook.close();
    }
  }, 240_000);
});
