import { ConfigError, PermanentError } from '../../core/errors.js';
import type { SourceSeries } from '../../core/metrics.js';
import type { Source, SourceBatch, SourcePosition } from '../contracts.js';

/** Labels of one configured source: its label in `flowlens run` (`name` or `<kind>#<index>`) and kind. */
export interface SourceLabels {
  source: string;
  kind: string;
}

export type SourceErrorClass = 'transient' | 'permanent' | 'config' | 'write';

/** The class a source failure counts under in `flowlens_source_errors_total{class}`. */
export function errorClass(err: unknown): Exclude<SourceErrorClass, 'write'> {
  if (err instanceof ConfigError) return 'config';
  if (err instanceof PermanentError) return 'permanent';
  return 'transient';
}

export interface InstrumentOptions {
  series: SourceSeries;
  labels: SourceLabels;
  now: () => number;
  /** The lag gauge's `key` for a position (the component's `lagKey`; default the position key). */
  lagKey?: (position: SourcePosition) => string;
}

/**
 * The one place the uniform per-source series are kept, so every source (built in or added) exports
 * the same ones. Wraps a source: a yielded batch adds its bytes to in-flight; its ack (once) moves
 * them to bytes/batches and sets the lag of its stream from `dataTimeMs`; `stop()` drops what was
 * never acked from in-flight. A failed iteration counts one error by class. `committed(rows)` is fed
 * by the supervisor from the pipeline's stats (only the sink knows rows).
 */
export function instrumentSource(source: Source, options: InstrumentOptions) {
  const { series, labels, now } = options;
  /** Batches handed out and not acked: their bytes are the in-flight gauge. */
  const outstanding = new Set<SourceBatch>();
  const settle = (batch: SourceBatch): boolean => {
    if (!outstanding.delete(batch)) return false;
    series.inflightBytes.dec(labels, batch.body.length);
    return true;
  };
  const acked = (batch: SourceBatch) => {
    if (!settle(batch)) return;
    series.bytes.inc(labels, batch.body.length);
    series.batches.inc(labels);
    if (batch.dataTimeMs === undefined) return;
    const key = options.lagKey ? options.lagKey(batch.position) : batch.position.key;
    series.lagSeconds.set({ ...labels, key }, Math.max(0, (now() - batch.dataTimeMs) / 1000));
  };
  async function* batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
    try {
      for await (const batch of source.batches(signal)) {
        // The kind is a plain string: the registry is what keeps it honest (it is the dedup token's prefix).
        if (batch.position.kind !== labels.kind)
          throw new PermanentError(
            `source ${labels.source} yielded kind "${batch.position.kind}", registered as "${labels.kind}"`,
          );
        outstanding.add(batch);
        series.inflightBytes.inc(labels, batch.body.length);
        yield {
          ...batch,
          ack: async () => {
            await batch.ack();
            acked(batch);
          },
        };
      }
    } catch (err) {
      series.errors.inc({ ...labels, class: errorClass(err) });
      throw err;
    }
  }
  return {
    source: {
      name: source.name,
      batches,
      stop: async (deadlineMs?: number) => {
        // The run is over: batches not acked by now are replayed by the next run, not in flight.
        for (const batch of outstanding) settle(batch);
        await source.stop(deadlineMs);
      },
    } satisfies Source,
    committed(rows: number): void {
      if (rows > 0) series.rows.inc(labels, rows);
    },
    writeFailed(): void {
      series.errors.inc({ ...labels, class: 'write' });
    },
  };
}
