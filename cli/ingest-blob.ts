import { Presets, SingleBar } from 'cli-progress';
import { ConfigError } from '../core/errors.js';
import { normalize } from '../ingest/normalizers/index.js';
import { runPipeline } from '../ingest/pipeline.js';
import { sinkFromConfig } from '../ingest/sinks/clickhouse/from-config.js';
import { BlobSourceConfigSchema } from '../ingest/sources/blob/config.js';
import { blobAuthFromArgument, createBlobSource } from '../ingest/sources/blob/factory.js';
import { withBlobRange } from '../ingest/sources/blob/normalize.js';
import { type GlobalOptions, openApp, resolveConfig } from './context.js';
import { summaryLine } from './ingest-progress.js';

export interface BlobIngestOptions extends GlobalOptions {
  /** Connection string, account/container SAS URL, or `env:NAME` to read either from the environment. */
  blob: string;
  container?: string[];
  prefix?: string[];
  since?: string;
  json?: boolean;
  progress?: boolean;
}

/**
 * `flowlens ingest --blob X`: one pass over every flow-log blob of an account (or one container),
 * then exit. Uses and updates the same cursors as `flowlens run`, so a second pass adds nothing and
 * a later `run` continues from here.
 */
export async function ingestBlob(opts: BlobIngestOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const secret = opts.blob.startsWith('env:') ? env[opts.blob.slice(4)] : opts.blob;
  if (!secret) throw new ConfigError([`--blob ${opts.blob}: environment variable is not set`]);
  const parsed = BlobSourceConfigSchema.safeParse({
    type: 'blob',
    name: 'blob:ingest',
    auth: { method: 'connection-string' },
    ...(opts.container?.length ? { containers: opts.container } : {}),
    ...(opts.prefix?.length ? { prefixes: opts.prefix } : {}),
    ...(opts.since ? { startTime: opts.since } : {}),
    leases: { enabled: false },
  });
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const { config, db, logger, metrics, now } = await openApp(resolveConfig(opts));
  const bar = opts.progress !== false && process.stderr.isTTY ? newBar() : undefined;
  let planned = 0;
  let blobs = 0;
  const source = createBlobSource(parsed.data, {
    auth: blobAuthFromArgument(secret),
    db: db.client,
    metrics,
    logger,
    now: () => now().getTime(),
    once: true,
    onProgress: (p) => {
      if (p.readBytes === 0) {
        planned = p.plannedBytes;
        blobs = p.blobs;
        bar?.start(Math.max(1, Math.round(planned / 1e6)), 0, { rows: 0 });
      }
    },
  });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const sink = sinkFromConfig(config, { db, metrics, logger }, controller.signal);
  const started = performance.now();
  try {
    const result = await runPipeline({
      source,
      normalize: withBlobRange(normalize),
      sink,
      metrics,
      logger,
      signal: controller.signal,
      onBatch: (stats) => bar?.update(Math.round(stats.bytes / 1e6), { rows: stats.rows }),
    });
    bar?.stop();
    const summary = {
      files: blobs,
      skippedFiles: 0,
      bytes: result.bytes,
      records: result.records,
      tuples: result.rows,
      duplicates: result.duplicates,
      rejects: result.rejects,
      duplicateRejects: result.duplicateRejects,
      seconds: (performance.now() - started) / 1000,
    };
    const line = summaryLine(summary).replace(/ files/, ' blobs');
    process.stdout.write(opts.json ? `${JSON.stringify({ ...summary, blobs })}\n` : `${line}\n`);
    if (result.error) {
      process.stderr.write(`flowlens: ingest stopped: ${result.error.message}\n`);
      return 1;
    }
    return 0;
  } finally {
    bar?.stop();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
    await source.stop();
    await sink.close();
    await db.close();
  }
}

function newBar(): SingleBar {
  return new SingleBar(
    { format: 'ingest blobs |{bar}| {percentage}% {value}/{total} MB | {rows} rows', stream: process.stderr },
    Presets.shades_classic,
  );
}
