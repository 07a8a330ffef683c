import type { BlobCursor } from './cursor.js';
import { type CursorStore, SHARD_KIND } from './cursor-store.js';
import { forEachLimited, type ListOptions } from './discovery.js';
import { parseBlobLocation } from './paths.js';
import { type Candidate, type Shard, scanShard } from './scan.js';

export interface ShardScannerOptions {
  store: CursorStore;
  now: () => number;
  startTimeMs?: number;
  once: boolean;
  listOptions: ListOptions;
  onError?: (shard: Shard, err: unknown) => void;
}

/**
 * Per-shard listing state: the hour a shard has been listed through (persisted, so a restart lists
 * the hours it missed, once) and the pending plans of hours no longer listed (replayed once after a
 * crash or a takeover).
 */
export class ShardScanner {
  readonly #options: ShardScannerOptions;
  /** shard → every hour before this one has been listed and planned. */
  readonly #marks = new Map<string, number>();
  readonly #loaded = new Set<string>();
  readonly #backfilled = new Set<string>();
  readonly #dirty = new Map<string, number>();
  /** Orphaned pending cursors found when a shard was loaded, to replay in the next scan. */
  readonly #orphans = new Map<string, { shard: Shard; cursor: BlobCursor }>();

  constructor(options: ShardScannerOptions) {
    this.#options = options;
  }

  /** Candidates of every shard, and the shards whose listing succeeded completely (`clean`). */
  async scan(
    shards: readonly Shard[],
    concurrency: number,
  ): Promise<{ candidates: Candidate[]; clean: Set<string> }> {
    await this.#load(shards.filter((s) => !this.#loaded.has(s.id)));
    const candidates: Candidate[] = [];
    const clean = new Set<string>();
    await forEachLimited(shards, concurrency, async (shard) => {
      try {
        const from = this.#backfilled.has(shard.id)
          ? undefined
          : (this.#marks.get(shard.id) ?? this.#options.startTimeMs);
        const window = {
          nowMs: this.#options.now(),
          ...(from !== undefined ? { backfillFromMs: from } : {}),
          everything: this.#options.once,
        };
        candidates.push(...(await scanShard(shard, window, this.#options.listOptions)));
        clean.add(shard.id);
      } catch (err) {
        this.#options.onError?.(shard, err);
      }
    });
    const listed = new Set(candidates.map((c) => c.key));
    for (const [key, { shard }] of this.#orphans) {
      if (!listed.has(key)) candidates.push(orphanCandidate(shard, key, this.#options.now()));
    }
    this.#orphans.clear();
    return { candidates, clean };
  }

  /** After the plans of a scan are persisted: the clean shards are listed through `hourMs`. */
  advance(clean: ReadonlySet<string>, hourMs: number): void {
    for (const id of clean) {
      this.#backfilled.add(id);
      if (this.#options.once) continue;
      if ((this.#marks.get(id) ?? 0) < hourMs) {
        this.#marks.set(id, hourMs);
        this.#dirty.set(id, hourMs);
      }
    }
  }

  async flush(): Promise<void> {
    const entries = [...this.#dirty].map(([id, listedHourMs]) => [id, { listedHourMs }] as const);
    this.#dirty.clear();
    await this.#options.store.save(SHARD_KIND, entries);
  }

  forget(id: string): void {
    this.#marks.delete(id);
    this.#loaded.delete(id);
    this.#backfilled.delete(id);
    this.#dirty.delete(id);
  }

  knownShards(): string[] {
    return [...this.#loaded];
  }

  /** Hour of a cursor key (`-Infinity` when the name has no hour). */
  hourOf(key: string): number {
    return parseBlobLocation(key)?.hourMs ?? Number.NEGATIVE_INFINITY;
  }

  async #load(shards: readonly Shard[]): Promise<void> {
    if (!shards.length) return;
    const marks = await this.#options.store.loadShardMarks(shards.map((s) => s.id));
    for (const s of shards) {
      const mark = marks.get(s.id);
      if (mark) this.#marks.set(s.id, mark.listedHourMs);
      if (!this.#options.once) {
        for (const [key, cursor] of await this.#options.store.loadPending(s.id))
          this.#orphans.set(key, { shard: s, cursor });
      }
      this.#loaded.add(s.id);
    }
  }
}

function orphanCandidate(shard: Shard, key: string, nowMs: number): Candidate {
  const name = shard.root + key.slice(shard.id.length);
  return {
    shard,
    key,
    blob: { name, etag: '', contentLength: 0, lastModifiedMs: nowMs },
    hourMs: parseBlobLocation(name)?.hourMs ?? 0,
  };
}
