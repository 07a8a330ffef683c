import { startAnalysisLoop } from '../analyze/loop.js';
import { startAzurite } from '../core/azurite.js';
import { parseConfig } from '../core/config/load.js';
import { silentLogger } from '../core/logging.js';
import { createMetrics } from '../core/metrics.js';
import { BlobSourceConfigSchema } from '../ingest/sources/blob/config.js';
import { SOURCES } from '../ingest/sources/registry.js';
import { startIngest } from '../ingest/start.js';
import { openTestDb } from '../test/harness/chdb.js';
import { httpReceiver } from '../test/harness/receivers.js';
import { bruteForceBlobScenario } from '../test/scenario/blob-phases.js';
import { mdTable } from './util.js';

/**
 * Blob path with default settings: Azurite, the blob source (poll every 30 s), the analysis loop
 * (every 60 s) and a webhook. An hour of history is committed and ingested first; then the brute
 * force minutes are committed as blocks and the time to the alert is measured.
 */
export async function blobLatency(): Promise<string> {
  const db = await openTestDb();
  const azurite = await startAzurite();
  const hook = await httpReceiver();
  const controller = new AbortController();
  const tasks: Promise<void>[] = [];
  try {
    const scenario = await bruteForceBlobScenario(azurite.connectionString);
    const config = parseConfig(
      {
        sources: [
          {
            type: 'blob',
            auth: { method: 'connection-string', connectionStringEnv: 'BENCH_STORAGE' },
            startTime: scenario.startTime,
            leases: { enabled: false },
          },
        ],
        alerts: { channels: [{ type: 'webhook', name: 'soc', url: hook.url }] },
      },
      SOURCES.configSchema,
    );
    const logger = silentLogger();
    const deps = { db, metrics: createMetrics(), logger, env: { BENCH_STORAGE: azurite.connectionString } };
    tasks.push(
      startIngest(config, deps, controller.signal),
      startAnalysisLoop({ config, db, logger }, controller.signal),
    );
    // let the history be ingested and analyzed (first poll and first tick) before the incident lands
    await new Promise((r) => setTimeout(r, 20_000));
    await scenario.writeIncident(10);
    const t0 = performance.now();
    await hook.waitForCategory('brute-force');
    const seconds = (performance.now() - t0) / 1000;
    const bound =
      config.analyze.intervalSeconds + BlobSourceConfigSchema.parse(config.sources[0]).pollIntervalSeconds;
    return mdTable(
      ['path', 'blocks committed → alert (s)', 'poll + analysis interval (s)', 'latency / (poll + interval)'],
      [['blob (defaults)', seconds.toFixed(1), String(bound), (seconds / bound).toFixed(2)]],
    );
  } finally {
    controller.abort();
    await Promise.allSettled(tasks);
    await hook.close();
    await azurite.stop();
    await db.close();
  }
}
