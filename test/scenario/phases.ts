import type { Db } from '../../core/clickhouse/client.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { createFileSource } from '../../ingest/sources/file/source.js';
import { DirectoryWriter, Simulation } from '../../simulator/index.js';

/**
 * Drives the simulator in phases, as a live estate would produce logs: `writeMinutes` writes the
 * next minutes to their own directory (complete PT1H.json files), `ingestDir` replays a directory
 * through the real file source, normalizer and ClickHouse sink (what `flowlens ingest` runs).
 */
export function phasedSimulation(options: {
  startMs: number;
  incidentsAtMs: number;
  incidentIds?: string[];
  seed?: number;
}) {
  const sim = new Simulation({
    startMs: options.startMs,
    incidentsAtMs: options.incidentsAtMs,
    seed: options.seed ?? 11,
    ...(options.incidentIds ? { incidentIds: options.incidentIds } : {}),
  });
  return {
    sim,
    /** Simulates until `untilMs` and writes the records to `dir`; returns the file paths. */
    writeMinutes(dir: string, untilMs: number): string[] {
      const writer = new DirectoryWriter();
      while (sim.nextMinuteMs < untilMs) writer.add(sim.nextMinute());
      return writer.flush(dir);
    },
  };
}

export async function ingestDir(db: Db, dir: string): Promise<{ rows: number; rejects: number }> {
  const source = createFileSource({ paths: [dir] });
  const sink = createClickHouseSink({ db });
  try {
    const r = await runPipeline({ source, normalize, sink, signal: new AbortController().signal });
    if (r.error) throw r.error;
    return { rows: r.rows, rejects: r.rejects };
  } finally {
    await source.stop();
    await sink.close();
  }
}
