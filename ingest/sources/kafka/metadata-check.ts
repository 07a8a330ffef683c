import type { Admin } from 'kafkajs';
import type { Logger } from '../../../core/logging.js';
import type { CommitSnapshot } from './tracker.js';

/**
 * Whether the broker keeps offset-commit metadata: `stored`, `lost` (the committed offset came back
 * without the metadata sent with it), or `unknown` (not checked yet, or inconclusive because the
 * offset moved on meanwhile).
 */
export type MetadataCheck = 'unknown' | 'stored' | 'lost';

/**
 * Reads a just-committed snapshot back. Exactly-once replay depends on the pending-range list in
 * the metadata (ranges.ts); Apache Kafka stores it, and the Event Hubs Kafka endpoint documents a
 * 1024-byte limit for it but nothing more, so the source checks once at run time rather than trust
 * it: without the metadata a restart still resumes at the committed offset (no loss), but a range in
 * flight at a crash may be re-cut differently and its rows written twice.
 * @see https://learn.microsoft.com/azure/event-hubs/apache-kafka-troubleshooting-guide#limits
 */
export async function checkMetadataStored(
  admin: Admin,
  groupId: string,
  topic: string,
  partition: number,
  sent: CommitSnapshot,
): Promise<MetadataCheck> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const p = t?.partitions.find((x) => x.partition === partition);
  return judge(sent, p ? { offset: Number(p.offset), metadata: p.metadata ?? '' } : undefined);
}

/** Pure part of {@link checkMetadataStored}: compares what was sent with what came back. */
export function judge(sent: CommitSnapshot, back: CommitSnapshot | undefined): MetadataCheck {
  if (!sent.metadata || back?.offset !== sent.offset) return 'unknown';
  return back.metadata === sent.metadata ? 'stored' : 'lost';
}

/**
 * Runs {@link checkMetadataStored} once per source, right after a commit with metadata. The caller
 * awaits it inside that partition's serialized commit chain: a read-back racing the partition's next
 * commit (same offset, longer pending list) would otherwise look like lost metadata.
 */
export class MetadataProbe {
  state: MetadataCheck = 'unknown';
  private running = false;

  constructor(
    private readonly admin: () => Admin | undefined,
    private readonly groupId: string,
    private readonly logger?: Logger,
  ) {}

  /** Never throws: a failed read-back is inconclusive and a later commit tries again. */
  async afterCommit(topic: string, partition: number, sent: CommitSnapshot): Promise<void> {
    const admin = this.admin();
    if (!sent.metadata || !admin || this.running || this.state !== 'unknown') return;
    this.running = true;
    try {
      this.state = await checkMetadataStored(admin, this.groupId, topic, partition, sent);
      if (this.state === 'lost')
        this.logger?.warn(
          { topic, partition },
          'kafka broker did not keep offset-commit metadata: after a crash, rows of ranges in flight may be written twice',
        );
    } catch {
      // inconclusive
    } finally {
      this.running = false;
    }
  }
}
