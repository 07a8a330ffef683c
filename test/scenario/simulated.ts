import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNsgText } from '../../analyze/rules/inventory/parse.js';
import { writeSnapshots } from '../../analyze/rules/inventory/store.js';
import type { Db } from '../../core/clickhouse/client.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { createFileSource } from '../../ingest/sources/file/source.js';
import { type Expectation, simulateToDirectory } from '../../simulator/index.js';

export interface SimulatedEstate {
  window: { from: string; to: string };
  groundTruth: Expectation[];
  rows: number;
}

/**
 * The lead's simulator end to end: `hours` of NSG v2 + VNet flow logs written as blobs, ingested
 * through the real file source, normalizer and ClickHouse sink, plus the NSG definitions imported
 * as a snapshot valid before the traffic.
 */
export async function loadSimulatedEstate(db: Db, hours: number): Promise<SimulatedEstate> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-sim-'));
  try {
    const files = simulateToDirectory(dir, { hours });
    mkdirSync(join(dir, 'staging'), { recursive: true });
    const sink = createClickHouseSink({ db, stagingDir: join(dir, 'staging') });
    const result = await runPipeline({
      source: createFileSource({ paths: [files.logsDir] }),
      normalize,
      sink,
      signal: new AbortController().signal,
    });
    if (result.error) throw result.error;
    const { nsgs, problems } = parseNsgText(readFileSync(files.nsgFile, 'utf8'), files.nsgFile);
    if (problems.length) throw new Error(problems.join('\n'));
    const before = new Date(files.startMs - 86_400_000).toISOString();
    await writeSnapshots(db, nsgs, { validFrom: before, importedAt: before, origin: 'simulator' });
    return {
      window: { from: new Date(files.startMs).toISOString(), to: new Date(files.endMs).toISOString() },
      groundTruth: JSON.parse(readFileSync(files.groundTruthFile, 'utf8')) as Expectation[],
      rows: result.rows,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
