import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { poolFromConfig } from '../../ingest/normalizers/pool/from-config.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { sinkFromConfig } from '../../ingest/sinks/clickhouse/from-config.js';
import { clickHouseFilePositions, forcedFilePositions } from '../../ingest/sources/file/positions.js';
import { createFileSource, DEFAULT_CHUNK_BYTES } from '../../ingest/sources/file/source.js';
import { listFiles } from '../../ingest/sources/file/walk.js';
import { type GlobalOptions, openApp, resolveConfig } from '../context.js';
import { ingestBlob } from '../ingest-blob.js';
import { ingestProgress, summaryLine } from '../ingest-progress.js';

interface IngestOptions extends GlobalOptions {
  force?: boolean;
  json?: boolean;
  chunkMb?: number;
  progress?: boolean;
}

/**
 * `flowlens ingest <file|dir>...`: replays flow-log files (PT1H.json blobs, NDJSON, arrays) into
 * the database. Re-running on the same files adds no rows. Exit 0 when every batch was written
 * (bad input is counted as rejects), 1 when the database failed for good, 2 on bad usage.
 */
export function register(program: Command): void {
  program
    .command('ingest')
    .description('replay PT1H.json / NDJSON files or directories (format auto-detected)')
    .argument('[paths...]', 'files or directories (read recursively)')
    .option('--blob <conn>', 'instead of files: a storage connection string, SAS URL, or env:NAME')
    .option('--container <name...>', 'with --blob: containers (default: both flow-log containers)')
    .option('--prefix <prefix...>', 'with --blob: only blobs under these prefixes')
    .option('--since <iso>', 'with --blob: only hours from this time on')
    .option(
      '--force',
      're-read files recorded as complete and store their tuples again, once more (a new copy beside any still stored)',
    )
    .option('--chunk-mb <n>', 'body size for big files, MiB', (v) => Number.parseFloat(v))
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--json', 'print the summary as JSON')
    .action(async (paths: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<IngestOptions & { blob?: string }>();
      if (opts.blob !== undefined) {
        if (paths.length) throw new ConfigError(['give files or --blob, not both']);
        if (opts.force)
          throw new ConfigError([
            '--force applies to files; with --blob the stored cursors decide what is read',
          ]);
        process.exitCode = await ingestBlob({ ...opts, blob: opts.blob }, process.env);
        return;
      }
      if (!paths.length) throw new ConfigError(['nothing to ingest: give files or directories, or --blob']);
      const missing = paths.filter((p) => !existsSync(p));
      if (missing.length) throw new ConfigError(missing.map((p) => `no such file or directory: ${p}`));
      if (opts.chunkMb !== undefined && !(opts.chunkMb > 0))
        throw new ConfigError(['--chunk-mb must be > 0']);
      process.exitCode = await ingest(paths, opts);
    });
}

async function ingest(paths: string[], opts: IngestOptions): Promise<number> {
  const app = await openApp(resolveConfig(opts));
  const { config, db, logger, metrics } = app;
  const progress = ingestProgress(
    await listFiles(paths),
    opts.progress !== false && process.stderr.isTTY === true,
  );
  let notes = 0;
  const source = createFileSource({
    paths,
    onSkip: () => progress.skip(),
    // One line per skipped path (symlink loop, not a flow log); the run goes on.
    onNote: (path, note) => {
      notes++;
      process.stderr.write(`flowlens: ${path}: ${note}\n`);
    },
    chunkBytes: opts.chunkMb ? Math.round(opts.chunkMb * 1024 * 1024) : DEFAULT_CHUNK_BYTES,
    positions: opts.force
      ? forcedFilePositions(clickHouseFilePositions(db.client))
      : clickHouseFilePositions(db.client),
    logger,
  });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  // A new deduplication namespace per forced run: the same bytes are stored exactly once more
  // (replays inside this run still deduplicate). Without it, --force would re-read and store nothing.
  const sink = sinkFromConfig(
    config,
    app,
    controller.signal,
    opts.force ? `force-${randomUUID()}` : undefined,
  );
  const pool = poolFromConfig(config, logger);
  const started = performance.now();
  try {
    const result = await runPipeline({
      source,
      normalize,
      ...(pool ? { parallel: pool.variant('plain') } : {}),
      sink,
      metrics,
      logger,
      signal: controller.signal,
      onBatch: progress.update,
    });
    progress.stop();
    const summary = { ...progress.summary(result), notes, seconds: (performance.now() - started) / 1000 };
    const line = `${summaryLine(summary)}${notes ? `; ${notes} path${notes === 1 ? '' : 's'} skipped (see notes)` : ''}`;
    process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : `${line}\n`);
    if (result.error) {
      process.stderr.write(`flowlens: ingest stopped: ${result.error.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await source.stop();
    await pool?.close();
    await sink.close();
    await db.close();
  }
}
