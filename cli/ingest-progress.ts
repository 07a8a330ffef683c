import { Presets, SingleBar } from 'cli-progress';
import type { SourceBatch } from '../ingest/contracts.js';
import type { PipelineResult, PipelineStats } from '../ingest/pipeline.js';
import type { FileEntry } from '../ingest/sources/file/walk.js';

export interface IngestSummary {
  files: number;
  skippedFiles: number;
  bytes: number;
  records: number;
  /** Tuples committed by this run. */
  tuples: number;
  /** Tuples not stored because their range was stored before (deduplicated; see `ingest --force`). */
  duplicates: number;
  /** Rejects stored by this run. */
  rejects: number;
  /** Rejects of duplicate ranges, already in the dead letter. */
  duplicateRejects: number;
  seconds: number;
}

/**
 * Progress of a file ingest: a bar by bytes on a terminal (stderr, so stdout keeps only the
 * summary), silent otherwise. Files count as done when their last body was acked.
 */
export function ingestProgress(files: readonly FileEntry[], tty: boolean) {
  const totalBytes = Math.max(
    1,
    files.reduce((s, f) => s + f.size, 0),
  );
  const seen = new Set<string>();
  let skipped = 0;
  const bar = tty
    ? new SingleBar(
        {
          format: 'ingest |{bar}| {percentage}% {done}/{size} | {rows} rows | {rejects} rejects',
          stream: process.stderr,
        },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(totalBytes, 0, { rows: 0, rejects: 0, done: humanBytes(0), size: humanBytes(totalBytes) });
  let stopped = false;
  return {
    update(stats: Readonly<PipelineStats>, batch: SourceBatch) {
      seen.add(batch.position.key);
      const bytes = Math.min(totalBytes, stats.bytes);
      bar?.update(bytes, { rows: stats.rows, rejects: stats.rejects, done: humanBytes(bytes) });
    },
    skip() {
      skipped++;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar?.stop();
    },
    summary(result: PipelineResult): Omit<IngestSummary, 'seconds'> {
      return {
        files: seen.size,
        skippedFiles: skipped,
        bytes: result.bytes,
        records: result.records,
        tuples: result.rows,
        duplicates: result.duplicates,
        rejects: result.rejects,
        duplicateRejects: result.duplicateRejects,
      };
    },
  };
}

export function summaryLine(s: IngestSummary): string {
  const rate = s.seconds > 0 ? Math.round(s.tuples / s.seconds) : 0;
  const skipped = s.skippedFiles ? ` (${s.skippedFiles} skipped, already ingested)` : '';
  const duplicates = s.duplicates
    ? `, ${s.duplicates} already stored (duplicate range, not stored again)`
    : '';
  const oldRejects = s.duplicateRejects ? ` (${s.duplicateRejects} more already stored)` : '';
  return (
    `ingested ${s.files} file${s.files === 1 ? '' : 's'}${skipped}: ${humanBytes(s.bytes)}, ${s.records} records, ` +
    `${s.tuples} tuples stored${duplicates}, ${s.rejects} rejects${oldRejects} in ${s.seconds.toFixed(1)} s (${rate} rows/s)`
  );
}

/** 1234567 → "1.2 MB" (decimal units, as disk tools print them). */
export function humanBytes(n: number): string {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}
