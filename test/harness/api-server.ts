import { analyzeWindow } from '../../analyze/runner.js';
import { emptyContext } from '../../analyze/test-context.js';
import { startApi } from '../../api/server.js';
import type { Db } from '../../core/clickhouse/client.js';
import { parseConfig } from '../../core/config/load.js';
import type { Finding } from '../../core/finding.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import { SCENARIO_FINDINGS, seedFindings } from './api-findings.js';
import { scenarioFlows } from './api-scenario.js';
import { generateFlows, seedFlows } from './api-seed.js';
import { openTestDb } from './chdb.js';

export interface SeededServer {
  url: string;
  db: Db;
  /** Analyzer findings plus the scenario's, as stored. */
  findings: number;
  stop(): Promise<void>;
}

/**
 * A real server (`startApi` on a free loopback port) over chDB seeded for the dashboards: a day of
 * synthetic traffic (server-side generator), the scenario's known flows in the last hour, the
 * analyzers run over the day, and the scenario's findings (times moved into the last hour).
 */
export async function startSeededServer(opts: { rows?: number } = {}): Promise<SeededServer> {
  const db = await openTestDb();
  const now = new Date();
  const dayAgo = new Date(now.getTime() - 86400e3);
  await generateFlows(db, { count: opts.rows ?? 200_000, from: dayAgo, spanMs: 86400e3 - 3600e3 });
  const hourAgo = new Date(Math.floor((now.getTime() - 3600e3) / 60_000) * 60_000);
  await seedFlows(db, scenarioFlows(hourAgo), 10_000_000);
  await db.client.insert({
    table: 'rejects',
    values: [0, 1, 2].map((i) => ({
      time: new Date(now.getTime() - (i + 1) * 600_000).toISOString(),
      source_kind: 'blob',
      source: 'insights-logs-networksecuritygroupflowevent/…/PT1H.json',
      offset: 1024 * (i + 1),
      record_index: i,
      tuple_index: 7,
      reason: i === 2 ? 'tuple-port' : 'tuple-ip',
      detail: i === 2 ? 'port 70000 out of range' : 'source is not an address',
      excerpt:
        i === 2
          ? '1732867200,10.0.0.4,10.0.1.5,443,70000,T,I,A,B,,,,'
          : '1732867200,10.0.0.x,10.0.1.5,443,22,T,I,A,B,,,,',
    })),
    format: 'JSONEachRow',
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
  const config = parseConfig({});
  const result = await analyzeWindow(
    { client: db.client, config: config.analyze, context: emptyContext([], now) },
    { from: dayAgo, to: now },
  );
  const shift = hourAgo.getTime() - Date.parse('2026-01-10T11:00:00Z');
  await seedFindings(
    db,
    SCENARIO_FINDINGS.map((f) => shifted(f, shift)),
    now,
  );
  const controller = new AbortController();
  const deps = { db, config, logger: silentLogger(), metrics: createMetrics() };
  const api = await startApi(deps, controller.signal, { host: '127.0.0.1', port: 0 });
  return {
    url: api.url,
    db,
    findings: result.findings.length + SCENARIO_FINDINGS.length,
    stop: async () => {
      controller.abort();
      await api.stop();
      await db.close();
    },
  };
}

function shifted(f: Finding, ms: number): Finding {
  const move = (iso: string) => new Date(Date.parse(iso) + ms).toISOString();
  return { ...f, firstSeen: move(f.firstSeen), lastSeen: move(f.lastSeen) };
}
