import { Presets, SingleBar } from 'cli-progress';
import type { SourceBatch } from '../ingest/contracts.js';
import type { PipelineResult, PipelineStats } from '../ingest/pipeline.js';
import type { FileEntry } from '../ingest/sources/file/walk.js';

export interface IngestSummary {
  files: number;
  skippedFiles: number;
  bytes: number;
  records: number;
  tuples: number;
  rejects: number;
  seconds: number;
}

/**
 * Progress of a file ingest: a bar by bytes on a terminal (stderr, so stdout keeps only the
 * summary), silent otherwise. Files count as done when their last body was acked.
 */
export function ingestProgress(files: readonly FileEntry[], tty: boolean) {
  const totalMb = Math.max(1, Math.round(files.reduce((s, f) => s + f.size, 0) / 1e6));
  const seen = new Set<string>();
  let skipped = 0;
  const bar = tty
    ? new SingleBar(
        {
          format: 'ingest |{bar}| {percentage}% {value}/{total} MB | {rows} rows | {rejects} rejects',
          stream: process.stderr,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(totalMb, 0, { rows: 0, rejects: 0 });
  let done = false;
  return {
    update(stats: Readonly<PipelineStats>, batch: SourceBatch) {
      seen.add(batch.position.key);
      bar?.update(Math.min(totalMb, Math.round(stats.bytes / 1e6)), {
        rows: stats.rows,
        rejects: stats.rejects,
      });
    },
    skip() {
      skipped++;
    },
    stop() {
      if (done) return;
      done = true;
      bar?.stop();
    },
    summary(result: PipelineResult): Omit<IngestSummary, 'seconds'> {
      return {
        files: seen.size,
        skippedFiles: skipped,
        bytes: result.bytes,
        records: result.records,
        tuples: result.rows,
        rejects: result.rejects,
      };
    },
  };
}

export function summaryLine(s: IngestSummary): string {
  const rate = s.seconds > 0 ? Math.round(s.tuples / s.seconds) : 0;
  const skipped = s.skippedFiles ? ` (${s.skippedFiles} skipped, already ingested)` : '';
  return (
    `ingested ${s.files} files${skipped}: ${(s.bytes / 1e6).toFixed(1)} MB, ${s.records} records, ` +
    `${s.tuples} tuples, ${s.rejects} rejects in ${s.seconds.toFixed(1)} s (${rate} rows/s)`
  );
}
