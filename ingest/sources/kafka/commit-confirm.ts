import type { CommitSnapshot } from './tracker.js';

/** The part of kafkajs' COMMIT_OFFSETS event payload read here (offsets are Long or string). */
export interface CommitEventPayload {
  topics: { topic: string; partitions: { partition: number; offset: unknown; metadata?: string | null }[] }[];
}

interface Waiter {
  offset: string;
  metadata: string;
  seen: boolean;
}

/**
 * Tells whether a commit really reached the broker. kafkajs' `consumer.commitOffsets` resolves
 * without sending anything (or after giving up on a failed send) once its runner stopped — which
 * happens at a crash, *before* the CRASH event is emitted (kafkajs first disconnects, which takes
 * as long as a dead broker makes it). A range recorded by such a "commit" was never stored: after
 * the restart the next owner would not re-form it, cut the same messages at other offsets, and the
 * rows would be stored twice under another deduplication token (a Kafka broker restart in the
 * middle of a stream: 1609 rows instead of 1512). kafkajs emits COMMIT_OFFSETS only after the
 * broker accepted an OffsetCommit, so a commit counts only when that event carried its offset and
 * metadata.
 * @see https://kafka.js.org/docs/instrumentation-events#consumer
 */
export class CommitConfirmations {
  private readonly waiting = new Map<string, Set<Waiter>>();

  /** Call right before `commitOffsets`; the returned check says whether the broker confirmed it. */
  expect(topic: string, partition: number, s: CommitSnapshot): () => boolean {
    const key = `${topic}/${partition}`;
    const w: Waiter = { offset: String(s.offset), metadata: s.metadata, seen: false };
    const set = this.waiting.get(key) ?? new Set<Waiter>();
    set.add(w);
    this.waiting.set(key, set);
    return () => {
      set.delete(w);
      if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
      return w.seen;
    };
  }

  /** kafkajs' COMMIT_OFFSETS listener (synchronous, before `commitOffsets` resolves). */
  onCommitted(payload: CommitEventPayload): void {
    for (const t of payload.topics)
      for (const p of t.partitions) {
        const set = this.waiting.get(`${t.topic}/${p.partition}`);
        for (const w of set ?? [])
          if (w.offset === String(p.offset) && w.metadata === (p.metadata ?? '')) w.seen = true;
      }
  }
}

/** A commit that could not be sent because the consumer is restarting (retried until it rejoins). */
export class ConsumerRestarting extends Error {
  constructor(what: string) {
    super(`kafka consumer is restarting: ${what}`);
    this.name = 'ConsumerRestarting';
  }
}
