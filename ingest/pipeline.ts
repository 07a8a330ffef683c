import { errorMessage } from '../core/errors.js';
import { type Logger, silentLogger } from '../core/logging.js';
import type { Metrics } from '../core/metrics.js';
import { Coalescer } from './batching/writer.js';
import type { FlowSink, NormalizeResult, Normalizer, Source, SourceBatch, WriteResult } from './contracts.js';
import { normalizerFailure } from './normalizers/failure.js';
import type { ParallelNormalizer } from './normalizers/pool/pool.js';

export interface PipelineOptions {
  source: Source;
  normalize: Normalizer;
  /**
   * Normalizes bodies in worker threads instead (config `ingest.workers`): up to its `concurrency`
   * bodies at once, still written and acked in source order. `normalize` is then not called.
   */
  parallel?: ParallelNormalizer;
  sink: FlowSink;
  metrics?: Metrics;
  logger?: Logger;
  /** Aborting stops pulling; the write in flight completes and is acked, then the run resolves. */
  signal: AbortSignal;
  /** Called after every acked batch (progress bars). */
  onBatch?: (stats: Readonly<PipelineStats>, batch: SourceBatch) => void;
}

export interface PipelineStats {
  batches: number;
  bytes: number;
  records: number;
  /** Rows committed (what the database kept). */
  rows: number;
  rejects: number;
  /** Rows already stored from an earlier write of the same range (deduplicated, not stored again). */
  duplicates: number;
  /** Rejects of such ranges, already in the dead letter (not stored again). */
  duplicateRejects: number;
}

export interface PipelineResult extends PipelineStats {
  /** Set when a write failed for good (retries exhausted): the run stopped, that batch is not acked. */
  error?: Error;
  /** Which side failed: the sink (database) or the source. */
  failedStep?: 'write' | 'source';
}

/**
 * With workers, small bodies (hourly NIC blobs of ~100 KB, live blocks) may fill a window this many
 * times deeper, up to this many bytes in flight: one body per worker made each a ping-pong between
 * threads (a worker idled while the pipeline read the next file and handed on the last result), and
 * under load every hand-off waits for a core. Large chunks (MBs) never pass the byte bound, so their
 * memory stays as before.
 */
export const SMALL_WINDOW_DEPTH = 8;
export const SMALL_WINDOW_BYTES = 4 * 1024 * 1024;

/** Counters of a run that has not written anything yet. */
export function emptyPipelineStats(): PipelineStats {
  return { batches: 0, bytes: 0, records: 0, rows: 0, rejects: 0, duplicates: 0, duplicateRejects: 0 };
}

/**
 * Pull → normalize → write → ack. Normalizing batch N+1 (JS, one core) overlaps writing batch N
 * (the engine's own threads), with at most one write in flight and one normalized batch waiting, so
 * memory stays at about two bodies plus their columns however large the input is. Every batch is
 * acked exactly once, after its write resolved, in source order. With a sink that coalesces
 * (`sink.batching`), normalized ranges go to the {@link Coalescer} instead, which writes many in one
 * insert and acks them together once durable (docs/ingest.md "Batching"). Bad input never stops the
 * run (it is rejects); a write that fails for good stops it without acking, so the source replays it.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { source, sink, signal } = options;
  const logger = options.logger ?? silentLogger();
  const stats = emptyPipelineStats();
  let inflight: Promise<void> | undefined;
  let failure: Error | undefined;
  let failedStep: 'write' | 'source' = 'write';
  // A failed write stops the pull at once. Waiting for the next batch to notice is not enough: a
  // source whose ranges all wait for acks (an Event Hubs partition, a Kafka partition at its
  // in-flight budget, blobs with a range in flight) yields nothing more, so the run would hang and
  // its supervisor never restart it (issue 16: the 2-minute outage with coalescing on).
  const pull = new AbortController();
  const failed = (err: unknown) => {
    failure ??= err instanceof Error ? err : new Error(String(err));
    pull.abort();
  };

  const count = (batch: SourceBatch, result: NormalizeResult, written: WriteResult) => {
    addWritten(stats, batch, result, written);
    options.onBatch?.(stats, batch);
  };
  const writeAndAck = async (batch: SourceBatch, result: NormalizeResult) => {
    const written = await sink.write(result.columns, result.rejects, batch.position);
    await batch.ack();
    count(batch, result, written);
  };
  // Sinks that can store many ranges in one insert get them coalesced (docs/ingest.md "Batching").
  const coalescer = sink.batching
    ? new Coalescer({
        sink,
        support: sink.batching,
        logger,
        onAcked: (m, written) => count(m.batch, m.result, written),
        onFailure: failed,
      })
    : undefined;

  // Bodies being normalized, oldest first: in-thread one (already done), with workers one per worker,
  // and more while they are small (see SMALL_WINDOW_BYTES).
  const window = Math.max(1, options.parallel?.concurrency ?? 1);
  const normalizing: { batch: SourceBatch; result: Promise<NormalizeResult> }[] = [];
  let normalizingBytes = 0;
  const windowFull = () =>
    normalizing.length >= window &&
    (!options.parallel ||
      normalizing.length >= window * SMALL_WINDOW_DEPTH ||
      normalizingBytes >= SMALL_WINDOW_BYTES);
  /**
   * Takes the oldest body, waits for it, and hands it to the coalescer or (without one) waits for the
   * previous write and starts its own; false = stop.
   */
  const writeOldest = async () => {
    const { batch, result: pending } = normalizing.shift()!;
    normalizingBytes -= batch.body.length;
    const result = await pending;
    options.metrics?.recordsTotal.inc({ source: batch.position.kind }, result.records);
    options.metrics?.bytesReadTotal.inc({ source: batch.position.kind }, batch.body.length);
    if (coalescer) {
      await coalescer.ready();
      if (coalescer.failure || signal.aborted) return false;
      coalescer.submit(batch, result);
      return true;
    }
    await inflight;
    if (failure || signal.aborted) return false;
    inflight = writeAndAck(batch, result).catch(failed);
    return true;
  };

  const batches = source.batches(AbortSignal.any([signal, pull.signal]))[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<SourceBatch>> | undefined;
  try {
    for (;;) {
      next ??= batches.next();
      if (!windowFull() && normalizing.length > 0 && (await oldestFirst(next, normalizing[0]!.result))) {
        if (!(await writeOldest())) break;
        continue;
      }
      const pulled = await next;
      next = undefined;
      if (pulled.done) break;
      normalizing.push({ batch: pulled.value, result: normalizeStep(options, pulled.value) });
      normalizingBytes += pulled.value.body.length;
      if (windowFull() && !(await writeOldest())) break;
    }
    while (normalizing.length > 0 && (await writeOldest()));
    await inflight;
  } catch (err) {
    // The source itself failed (its own retries exhausted).
    await inflight;
    if (!failure) {
      failure = err instanceof Error ? err : new Error(String(err));
      failedStep = 'source';
    }
  }
  await closeSource(batches, next);
  if (coalescer) {
    // Exhausted (not aborted, no failure): nothing more comes back, so re-formed batches still
    // missing members are settled now instead of waiting.
    await coalescer.drain(!signal.aborted && !failure && !coalescer.failure);
    if (coalescer.failure && !failure) failure = coalescer.failure;
  }
  if (failure) logger.error({ err: failure.message, ...stats }, `pipeline stopped: ${failedStep} failed`);
  return failure ? { ...stats, error: failure, failedStep } : { ...stats };
}

/**
 * While the window has room, pull ahead only as long as the source has a batch ready: true when the
 * oldest body finished normalizing first, so it is written now. A source whose ranges wait for their
 * acks (an Event Hubs partition, blobs with a range in flight, Kafka at its in-flight budget) yields
 * nothing more until the oldest is written; waiting for a fuller window would wait forever.
 */
async function oldestFirst(
  next: Promise<IteratorResult<SourceBatch>>,
  oldest: Promise<NormalizeResult>,
): Promise<boolean> {
  const settled = () => 'normalized' as const;
  return (
    (await Promise.race([next.then(() => 'pulled' as const), oldest.then(settled, settled)])) === 'normalized'
  );
}

/**
 * Ends the source's iteration as `for await … break` would. A pull still pending is waited for
 * first (an async generator queues `return()` behind it); every way out of the loop has aborted the
 * source's signal or exhausted it, so it settles. Its batch, if any, is never acked: it is replayed.
 */
async function closeSource(
  batches: AsyncIterator<SourceBatch>,
  pending: Promise<IteratorResult<SourceBatch>> | undefined,
): Promise<void> {
  const last = pending ? await pending.catch(() => ({ done: true, value: undefined })) : undefined;
  if (last?.done) return;
  await batches.return?.().catch(() => undefined);
}

function addWritten(stats: PipelineStats, batch: SourceBatch, result: NormalizeResult, written: WriteResult) {
  stats.batches++;
  stats.bytes += batch.body.length;
  stats.records += result.records;
  stats.rows += written.rows;
  stats.rejects += written.rejects;
  stats.duplicates += written.duplicates ?? 0;
  stats.duplicateRejects += written.duplicateRejects ?? 0;
}

/** Starts normalizing a batch: in a worker when the pipeline has them, else here and now. */
function normalizeStep(options: PipelineOptions, batch: SourceBatch): Promise<NormalizeResult> {
  if (!options.parallel) return Promise.resolve(normalizeSafely(options.normalize, batch));
  return options.parallel.normalize(batch.body, metaOf(batch));
}

function metaOf(batch: SourceBatch) {
  return {
    source: `${batch.position.kind}:${batch.position.key}`,
    baseOffset: batch.position.start,
    ...batch.meta,
  };
}

/** The Normalizer contract says it never throws; if one does anyway, the body becomes a reject. */
function normalizeSafely(normalize: Normalizer, batch: SourceBatch): NormalizeResult {
  try {
    return normalize(batch.body, metaOf(batch));
  } catch (err) {
    return normalizerFailure(batch.body, batch.position.start, errorMessage(err));
  }
}
