import type { Source, SourceBatch } from '../../ingest/contracts.js';

/**
 * A source that behaves like Event Hubs partitions (or a Kafka partition at its in-flight budget,
 * or a blob with a range in flight): each of `partitions` hands out its next range only once the
 * previous one was acked, round-robin over `bodies`. With `streamOn` it then waits for more data
 * until aborted, as a live stream does; without, it ends. Every ack is logged as `p<partition>:<i>`.
 */
export function ackGatedSource(opts: {
  bodies: readonly Buffer[];
  acked: string[];
  partitions?: number;
  streamOn?: boolean;
}): Source {
  const partitions = opts.partitions ?? 1;
  return {
    name: 'ack-gated',
    async *batches(signal) {
      const previous: Promise<void>[] = Array.from({ length: partitions }, () => Promise.resolve());
      for (const [i, body] of opts.bodies.entries()) {
        const p = i % partitions;
        await Promise.race([previous[p], aborted(signal)]);
        if (signal.aborted) return;
        let release!: () => void;
        previous[p] = new Promise<void>((r) => {
          release = r;
        });
        yield {
          body,
          position: { kind: 'event-hubs', key: `p${p}`, start: i, end: i + 1 },
          ack: async () => {
            opts.acked.push(`p${p}:${i}`);
            release();
          },
        } satisfies SourceBatch;
      }
      if (opts.streamOn) await aborted(signal);
    },
    stop: async () => undefined,
  };
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((r) => {
    if (signal.aborted) r();
    else signal.addEventListener('abort', () => r(), { once: true });
  });
}
