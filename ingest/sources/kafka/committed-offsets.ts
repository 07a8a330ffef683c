import type { Admin } from 'kafkajs';
import { retry } from '../../../core/retry.js';

export interface Committed {
  offset: number;
  /** Commit metadata (the recorded ranges in flight, ranges.ts), null when none. */
  metadata: string | null;
}

/**
 * The consumer group's committed offsets + metadata, which each partition's work starts from.
 * Read once per group generation for every subscribed partition, started when the group is
 * joined (before the first fetch returns): a lookup per partition at its first batch cost ≈ 0.3 s
 * of start-up. Commits of the previous generation that arrive later are refused by the broker
 * (stale generation), so reading at the join is safe. A partition missing from that read (or a
 * failed read) falls back to its own lookup with retries.
 * @see https://kafka.apache.org/protocol#The_Messages_OffsetFetch
 */
export class CommittedOffsets {
  private generation: Promise<Map<string, Committed>> | undefined;
  private warm: Promise<void> = Promise.resolve();

  constructor(
    private readonly admin: () => Admin,
    private readonly groupId: string,
    private readonly topics: string[],
  ) {}

  /**
   * Right after `admin.connect()`: a fresh kafkajs admin knows no broker yet, so its first group
   * lookup fails, backs off 300 ms and retries. Loading metadata now, while the consumer joins,
   * makes the lookup at the join immediate.
   */
  warmUp(): void {
    this.warm = this.admin()
      .fetchTopicMetadata({ topics: this.topics })
      .then(
        () => undefined,
        () => undefined,
      );
  }

  /** A new generation (group join): reads every partition's committed offset in one request. */
  startGeneration(): void {
    this.generation = this.readAll();
    this.generation.catch(() => undefined);
  }

  async get(topic: string, partition: number): Promise<Committed> {
    const early = (await this.generation?.catch(() => undefined))?.get(`${topic}/${partition}`);
    if (early) return early;
    const admin = this.admin();
    const topics = await retry(() => admin.fetchOffsets({ groupId: this.groupId, topics: [topic] }), {
      attempts: 20,
      baseDelayMs: 200,
      maxDelayMs: 3000,
    });
    const p = topics[0]?.partitions.find((x) => x.partition === partition);
    return { offset: p ? Number(p.offset) : -1, metadata: p?.metadata ?? null };
  }

  private async readAll(): Promise<Map<string, Committed>> {
    await this.warm;
    const topics = await this.admin().fetchOffsets({ groupId: this.groupId, topics: this.topics });
    const out = new Map<string, Committed>();
    for (const t of topics)
      for (const p of t.partitions)
        out.set(`${t.topic}/${p.partition}`, { offset: Number(p.offset), metadata: p.metadata ?? null });
    return out;
  }
}
