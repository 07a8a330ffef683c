import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAnalysisLoop } from '../analyze/loop.js';
import { analyzeWindow } from '../analyze/runner.js';
import { emptyContext } from '../analyze/test-context.js';
import { parseConfig } from '../core/config/load.js';
import { silentLogger } from '../core/logging.js';
import { openTestDb } from '../test/harness/chdb.js';
import { httpReceiver } from '../test/harness/receivers.js';
import { ingestDir, phasedSimulation } from '../test/scenario/phases.js';
import { blobLatency } from './detect-latency-blob.js';
import { mdTable, parseFlags } from './util.js';

/**
 * Ingest → alert latency with default settings (analysis every 60 s): an hour of benign history
 * is ingested, `flowlens run`'s analysis loop starts with a loopback webhook channel, then the
 * planted RDP brute force is ingested through the file source and the time until the webhook
 * receives the alert is measured. Also reports one analysis pass over `--hours` of data against
 * the ingest time of the same data (same process, same run).
 *
 * With `--blob 1` (default) it also runs the blob path with default settings (blob poll 30 s,
 * analysis 60 s): incident blocks committed to Azurite → alert.
 *
 * Usage: `npm run bench -- detect-latency [--runs 1] [--hours 24] [--blob 1]`.
 */
export async function run(args: string[]): Promise<void> {
  const opts = parseFlags(args, { runs: 1, hours: 24, blob: 1 });
  const rows: string[][] = [];
  for (let i = 0; i < opts.runs; i++) rows.push(await latencyRun(i));
  console.log(
    mdTable(
      ['run', 'ingest of incident (s)', 'ingest done → alert (s)', 'interval (s)', 'latency / interval'],
      rows,
    ),
  );
  if (opts.blob) console.log(`\n${await blobLatency()}\n`);
  console.log(await analysisCost(opts.hours));
}

async function latencyRun(i: number): Promise<string[]> {
  const db = await openTestDb();
  const tmp = mkdtempSync(join(tmpdir(), 'flowlens-bench-latency-'));
  const hook = await httpReceiver();
  const config = parseConfig({ alerts: { channels: [{ type: 'webhook', name: 'soc', url: hook.url }] } });
  const start = Date.UTC(2026, 10, 2, 20, 0) + i * 86_400_000;
  const sim = phasedSimulation({
    startMs: start,
    incidentsAtMs: start + 3_600_000,
    incidentIds: ['rdp-brute-force'],
    seed: 11 + i,
  });
  sim.writeMinutes(join(tmp, 'history'), start + 3_600_000);
  await ingestDir(db, join(tmp, 'history'));
  const controller = new AbortController();
  const loop = startAnalysisLoop({ config, db, logger: silentLogger() }, controller.signal);
  try {
    sim.writeMinutes(join(tmp, 'incident'), start + 72 * 60_000);
    const t0 = performance.now();
    await ingestDir(db, join(tmp, 'incident'));
    const t1 = performance.now();
    await hook.waitForCategory('brute-force');
    const t2 = performance.now();
    const interval = config.analyze.intervalSeconds;
    return [
      String(i + 1),
      ((t1 - t0) / 1000).toFixed(2),
      ((t2 - t1) / 1000).toFixed(1),
      String(interval),
      ((t2 - t1) / 1000 / interval).toFixed(2),
    ];
  } finally {
    controller.abort();
    await loop;
    await hook.close();
    await db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function analysisCost(hours: number): Promise<string> {
  const db = await openTestDb();
  const tmp = mkdtempSync(join(tmpdir(), 'flowlens-bench-analysis-'));
  try {
    const start = Date.UTC(2026, 10, 2, 0, 0);
    const end = start + hours * 3_600_000;
    const sim = phasedSimulation({ startMs: start, incidentsAtMs: end - 3_600_000 });
    sim.writeMinutes(tmp, end);
    const t0 = performance.now();
    const { rows } = await ingestDir(db, tmp);
    const t1 = performance.now();
    const config = parseConfig({}).analyze;
    const r = await analyzeWindow(
      { client: db.client, config, context: emptyContext([], new Date(end)) },
      { from: new Date(start), to: new Date(end) },
    );
    const t2 = performance.now();
    const again = await analyzeWindow(
      { client: db.client, config, context: emptyContext([], new Date(end)) },
      { from: new Date(end - 120_000), to: new Date(end) },
    );
    const t3 = performance.now();
    const perAnalyzer = mdTable(
      ['analyzer', `${hours} h pass (ms)`, '2-min tick (ms)'],
      Object.keys(r.timings).map((id) => [id, String(r.timings[id]), String(again.timings[id] ?? '')]),
    );
    return `${perAnalyzer}\n\n${mdTable(
      [
        'data',
        'rows',
        'ingest (s)',
        `analysis of ${hours} h (s)`,
        'analysis / ingest',
        'one 2-min tick (s)',
        'findings',
      ],
      [
        [
          `${hours} h simulated`,
          String(rows),
          ((t1 - t0) / 1000).toFixed(1),
          ((t2 - t1) / 1000).toFixed(1),
          ((t2 - t1) / (t1 - t0)).toFixed(2),
          ((t3 - t2) / 1000).toFixed(2),
          `${r.findings.length} (${again.findings.length} in the tick)`,
        ],
      ],
    )}`;
  } finally {
    await db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
