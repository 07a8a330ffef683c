import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNsgText } from '../../analyze/rules/inventory/parse.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import { analyzeWindow } from '../../analyze/runner.js';
import { emptyContext } from '../../analyze/test-context.js';
import { startApi } from '../../api/server.js';
import { rulesProvider } from '../../cli/rules-provider.js';
import type { Db } from '../../core/clickhouse/client.js';
import { systemClock } from '../../core/clock.js';
import { parseConfig } from '../../core/config/load.js';
import type { Finding } from '../../core/finding.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { createFileSource } from '../../ingest/sources/file/source.js';
import { simulateToDirectory } from '../../simulator/index.js';
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
 * A real server (`startApi` on a free loopback port) over chDB seeded for the dashboards: the lead's
 * simulator (`hours` of NSG v2 + VNet logs with planted incidents, ending now) through the real file
 * source, normalizer and sink, its NSG definitions imported (so rule recommendations are real), or
 * with `rows` a day of server-generated traffic instead; then the scenario's known flows in the last
 * hour, the analyzers over the day, and the scenario's findings (times moved into the last hour).
 */
export async function startSeededServer(opts: { rows?: number; hours?: number } = {}): Promise<SeededServer> {
  const db = await openTestDb();
  const now = new Date();
  const dayAgo = new Date(now.getTime() - 86400e3);
  if (opts.rows) await generateFlows(db, { count: opts.rows, from: dayAgo, spanMs: 86400e3 - 3600e3 });
  else await loadSimulator(db, opts.hours ?? 6, now);
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
  const ctx = { db, config, logger: silentLogger(), metrics: createMetrics(), now: systemClock };
  const api = await startApi({ ...ctx, rules: rulesProvider(ctx) }, controller.signal, {
    host: '127.0.0.1',
    port: 0,
  });
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

/** The simulator's estate ending at the last full minute before `now` (see test/scenario/simulated.ts). */
async function loadSimulator(db: Db, hours: number, now: Date): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-sim-'));
  try {
    const startMs = Math.floor(now.getTime() / 60_000) * 60_000 - hours * 3_600_000;
    const files = simulateToDirectory(dir, { hours, startMs });
    mkdirSync(join(dir, 'staging'), { recursive: true });
    const sink = createClickHouseSink({ db, stagingDir: join(dir, 'staging') });
    const signal = new AbortController().signal;
    const result = await runPipeline({
      source: createFileSource({ paths: [files.logsDir] }),
      normalize,
      sink,
      signal,
    });
    if (result.error) throw result.error;
    const { nsgs } = parseNsgText(readFileSync(files.nsgFile, 'utf8'), files.nsgFile);
    const before = new Date(startMs - 86_400_000).toISOString();
    await writeSnapshots(db, nsgs, { validFrom: before, importedAt: before, origin: 'simulator' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
