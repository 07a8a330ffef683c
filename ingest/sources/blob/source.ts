import type { ClickHouseClient } from '@clickhouse/client';
import { errorMessage } from '../../../core/errors.js';
import type { Logger } from '../../../core/logging.js';
import type { Metrics } from '../../../core/metrics.js';
import { sleep } from '../../../core/retry.js';
import type { Source, SourceBatch } from '../../contracts.js';
import { type BlobTarget, containersOf } from './client.js';
import { type BlobCursor, confirmPlan, planRead, previousSum, type ReadPlan } from './cursor.js';
import { BLOB_KIND, CursorStore, SHARD_KIND } from './cursor-store.js';
import { findRoots, forEachLimited } from './discovery.js';
import { ShardLeases } from './leases.js';
import { type BlobMetrics, createBlobMetrics } from './metrics.js';
import { liveHours } from './paths.js';
import { downloadRange, prefetchOrdered, rangeBody } from './read.js';
import { type Candidate, type Shard, shardId } from './scan.js';
import { ShardScanner } from './shard-scanner.js';

export interface BlobSourceOptions {
  /** Source label stored on every row (`flows.source`). */
  name: string;
  target: BlobTarget;
  containers: readonly string[];
  /** Where discovery starts inside each container ('' = everything). */
  prefixes: readonly string[];
  /** First run only: backfill from here (later runs resume from the last hour listed). */
  startTimeMs?: number;
  pollIntervalMs: number;
  discoveryIntervalMs: number;
  listPageSize: number;
  maxRangeBytes: number;
  /** Block-list requests and downloads in flight. */
  concurrency: number;
  lease?: { container: string; durationSeconds: number; owner: string };
  /** One pass over every blob (backfill), then the iterable ends. */
  once?: boolean;
  db: ClickHouseClient;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
  /** Progress callback for one-shot runs (`flowlens ingest --blob`). */
  onProgress?: (p: { plannedBytes: number; readBytes: number; blobs: number }) => void;
}

interface Work {
  c: Candidate;
  plan: Extract<ReadPlan, { kind: 'read' }>;
  acked: number;
  /** Digest of each range's bytes, filled as ranges are read. */
  sums: string[];
}

/**
 * Tails NSG / VNet flow-log blobs as Azure appends them (docs/reference/flow-logs.md §1c): each poll lists only
 * the current and previous hour under every owned root, skips blobs whose ETag is unchanged, reads
 * `[cursor, end of committed data)` from the committed block list, persists that plan as "pending"
 * before yielding it, and confirms it once the pipeline acked every range.
 * @see https://learn.microsoft.com/azure/network-watcher/flow-logs-read
 */
export class BlobSource implements Source {
  readonly name: string;
  readonly #options: BlobSourceOptions;
  readonly #now: () => number;
  readonly #store: CursorStore;
  readonly #metrics: BlobMetrics;
  readonly #leases: ShardLeases | undefined;
  readonly #scanner: ShardScanner;
  readonly #internal = new AbortController();
  readonly #cursors = new Map<string, BlobCursor>();
  /** Confirmed cursors not yet persisted, with their shard (only flushed while still owned). */
  readonly #dirty = new Map<string, { shard: string; cursor: BlobCursor }>();
  readonly #inflight = new Set<string>();
  #shards: Shard[] = [];
  #lastDiscovery = Number.NEGATIVE_INFINITY;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: BlobSourceOptions) {
    this.#options = options;
    this.name = options.name;
    this.#now = options.now ?? Date.now;
    this.#store = new CursorStore(options.db);
    this.#metrics = createBlobMetrics(options.metrics);
    const lease = options.lease;
    this.#leases =
      lease && options.target.service && !options.once
        ? new ShardLeases(options.target.service.getContainerClient(lease.container), {
            // Real time, not the injected clock: lease expiry and heartbeats are the service's clock.
            durationSeconds: lease.durationSeconds,
            owner: lease.owner,
          })
        : undefined;
    this.#scanner = new ShardScanner({
      store: this.#store,
      now: this.#now,
      ...(options.startTimeMs !== undefined ? { startTimeMs: options.startTimeMs } : {}),
      once: options.once ?? false,
      listOptions: this.#listOptions(),
    });
  }

  async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
    const sig = AbortSignal.any([signal, this.#internal.signal]);
    let release!: () => void;
    this.#running = new Promise((r) => {
      release = r;
    });
    try {
      await this.#leases?.init();
      while (!sig.aborted) {
        const started = this.#now();
        const work = await this.#cycle(sig).catch((err: unknown) => this.#cycleFailed(err));
        yield* this.#read(work, sig);
        if (this.#options.once) break;
        await sleep(Math.max(0, this.#options.pollIntervalMs - (this.#now() - started)), sig);
      }
    } finally {
      // Leases stop being renewed when the loop ends; stop() releases them for a fast handover.
      this.#leases?.pause();
      release();
    }
  }

  /** Idempotent: ends the poll loop, persists confirmed cursors, releases leases. */
  async stop(deadlineMs = 10_000): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#internal.abort();
    // Never started: no acked cursor to flush and no lease taken, so nothing to call Storage for.
    if (!this.#running) return;
    const deadline = sleep(deadlineMs);
    await Promise.race([this.#running ?? Promise.resolve(), deadline]);
    await Promise.race([this.#flush().catch(() => undefined), deadline]);
    await Promise.race([this.#leases?.stop().catch(() => undefined), deadline]);
  }

  /** Lists, plans and persists pending ranges; returns the work to read. */
  async #cycle(signal: AbortSignal): Promise<Work[]> {
    await this.#flush();
    await this.#discoverIfDue(signal);
    const owned = await this.#ownedShards();
    this.#metrics.shardsOwned.set({ source: this.name }, owned.length);
    const { candidates, clean } = await this.#scanner.scan(owned, this.#options.concurrency);
    await this.#loadCursors(candidates);
    const changed = candidates.filter((c) => !this.#inflight.has(c.key) && this.#changed(c));
    const work = await this.#plan(changed, signal, clean);
    if (work.length)
      await this.#store.save(
        BLOB_KIND,
        work.map((w) => [w.c.key, w.plan.cursor] as const),
      );
    for (const w of work) {
      // The saved plan already carries any confirmation acked since the last flush; writing that
      // older cursor later would hide the plan, and a crash would then not replay its ranges.
      this.#dirty.delete(w.c.key);
      this.#cursors.set(w.c.key, w.plan.cursor);
      this.#inflight.add(w.c.key);
      if (w.plan.reset) this.#metrics.resets.inc({ source: this.name });
    }
    this.#scanner.advance(clean, liveHours(this.#now())[0]!);
    this.#evict();
    this.#options.onProgress?.(this.#progress(work, 0));
    this.#options.logger.debug(
      {
        source: this.name,
        shards: owned.length,
        candidates: candidates.length,
        blobs: work.length,
        inflight: this.#inflight.size - work.length,
      },
      'blob poll planned',
    );
    return work;
  }

  #cycleFailed(err: unknown): Work[] {
    if (!this.#internal.signal.aborted) {
      this.#metrics.errors.inc({ source: this.name, op: 'poll' });
      this.#options.logger.warn(
        { source: this.name, err: errorMessage(err) },
        'blob poll failed; retrying next poll',
      );
    }
    return [];
  }

  #changed(c: Candidate): boolean {
    const cursor = this.#cursors.get(c.key);
    return !cursor || cursor.pending !== undefined || cursor.etag !== c.blob.etag;
  }

  async #plan(changed: Candidate[], signal: AbortSignal, clean: Set<string>): Promise<Work[]> {
    const work: Work[] = [];
    await forEachLimited(changed, this.#options.concurrency, async (c) => {
      if (signal.aborted) return;
      try {
        const client = c.shard.container.getBlockBlobClient(c.blob.name);
        const list = await client.getBlockList('committed', { abortSignal: signal });
        const blocks = (list.committedBlocks ?? []).map((b) => ({ id: b.name, size: b.size }));
        // The listing's ETag is what the next poll compares with (Azurite's block-list ETag differs
        // in form). If the blob changed in between, the next poll merely fetches the list again.
        const etag = c.blob.etag || list.etag || '';
        const prev = this.#cursors.get(c.key);
        if (!prev) this.#metrics.blobsSeen.inc({ source: this.name });
        const plan = planRead(prev, blocks, etag, c.blob.contentLength, {
          maxRangeBytes: this.#options.maxRangeBytes,
        });
        if (plan.kind === 'read') work.push({ c, plan, acked: 0, sums: [] });
        else if (plan.cursor) this.#cursors.set(c.key, plan.cursor);
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return; // deleted since listed
        clean.delete(c.shard.id);
        this.#metrics.errors.inc({ source: this.name, op: 'block-list' });
      }
    });
    return work;
  }

  async *#read(work: Work[], signal: AbortSignal): AsyncGenerator<SourceBatch> {
    const items = work.flatMap((w) => w.plan.ranges.map((range, index) => ({ w, range, index })));
    let readBytes = 0;
    const download = ({ w, range }: (typeof items)[number]) =>
      downloadRange(w.c.shard.container.getBlobClient(w.c.blob.name), range, signal);
    for await (const { item, result, error } of prefetchOrdered(items, this.#options.concurrency, download)) {
      if (error !== undefined || !result) {
        // Pending stays persisted: the next poll replays exactly this plan.
        this.#inflight.delete(item.w.c.key);
        if (!signal.aborted) this.#metrics.errors.inc({ source: this.name, op: 'download' });
        continue;
      }
      readBytes += result.length;
      this.#metrics.bytesDownloaded.inc({ source: this.name }, result.length);
      this.#metrics.rangesRead.inc({ source: this.name });
      this.#options.onProgress?.(this.#progress(work, readBytes));
      const { w, range } = item;
      const before = w.plan.reset ? previousSum(w.plan.cursor, range.start, range.end) : undefined;
      const { sum, ...rb } = rangeBody(this.name, w.c.key, w.c.blob.name, range, result, before);
      w.sums[item.index] = sum;
      let acked = false;
      yield {
        ...rb,
        dataTimeMs: w.c.blob.lastModifiedMs,
        ack: async () => {
          if (acked) return;
          acked = true;
          this.#acked(item.w);
        },
      };
      if (signal.aborted) return;
    }
  }

  #acked(w: Work): void {
    w.acked++;
    if (w.acked < w.plan.ranges.length) return;
    this.#inflight.delete(w.c.key);
    // A shard lost meanwhile belongs to another instance now: it replays our pending plan itself.
    if (this.#leases && !this.#leases.owns(w.c.shard.id)) return;
    const confirmed = confirmPlan(w.plan.cursor, w.sums);
    this.#cursors.set(w.c.key, confirmed);
    this.#dirty.set(w.c.key, { shard: w.c.shard.id, cursor: confirmed });
  }

  /**
   * Persists confirmed cursors. A shard lost since its ranges were acked is skipped: its new owner
   * may already have written a newer plan, which a late write from here would hide.
   */
  async #flush(): Promise<void> {
    const owned = [...this.#dirty].filter(([, d]) => !this.#leases || this.#leases.owns(d.shard));
    this.#dirty.clear();
    try {
      await this.#store.save(
        BLOB_KIND,
        owned.map(([k, d]) => [k, d.cursor] as const),
      );
      await this.#scanner.flush();
    } catch (err) {
      for (const [k, v] of owned) if (!this.#dirty.has(k)) this.#dirty.set(k, v);
      throw err;
    }
  }

  async #discoverIfDue(signal: AbortSignal): Promise<void> {
    if (this.#shards.length && this.#now() - this.#lastDiscovery < this.#options.discoveryIntervalMs) return;
    const shards: Shard[] = [];
    for (const [i, container] of containersOf(this.#options.target, this.#options.containers).entries()) {
      const containerName = container.containerName || this.#options.containers[i] || '';
      const roots = await findRoots(
        container,
        this.#options.prefixes.length ? this.#options.prefixes : [''],
        {
          ...this.#listOptions(),
          signal,
        },
      ).catch((err: unknown) => {
        if ((err as { statusCode?: number }).statusCode === 404) return [] as string[]; // container not created yet
        throw err;
      });
      for (const root of roots)
        shards.push({ id: shardId(this.#options.target.account, containerName, root), container, root });
    }
    this.#shards = shards;
    this.#lastDiscovery = this.#now();
  }

  async #ownedShards(): Promise<Shard[]> {
    if (!this.#leases) return this.#shards;
    const { acquired, released } = await this.#leases.rebalance(this.#shards.map((s) => s.id));
    // Taken-over or given-up shards: forget cached state; it is reloaded from ClickHouse when owned.
    for (const id of [...acquired, ...released]) this.#forgetShard(id);
    for (const id of [...this.#scanner.knownShards()]) if (!this.#leases.owns(id)) this.#forgetShard(id);
    return this.#shards.filter((s) => this.#leases!.owns(s.id));
  }

  #forgetShard(id: string): void {
    for (const map of [this.#cursors, this.#dirty])
      for (const k of [...map.keys()]) if (k.startsWith(id)) map.delete(k);
    this.#scanner.forget(id);
  }

  async #loadCursors(candidates: Candidate[]): Promise<void> {
    const missing = candidates.filter((c) => !this.#cursors.has(c.key)).map((c) => c.key);
    for (const [k, v] of await this.#store.loadCursors(missing)) this.#cursors.set(k, v);
  }

  /** Keeps memory flat: cursors of hours no longer polled are dropped (they stay in ClickHouse). */
  #evict(): void {
    const oldest = liveHours(this.#now())[0]!;
    for (const [key] of this.#cursors) {
      if (this.#inflight.has(key) || this.#dirty.has(key)) continue;
      if (this.#scanner.hourOf(key) < oldest) this.#cursors.delete(key);
    }
  }

  #listOptions() {
    return {
      pageSize: this.#options.listPageSize,
      onListCall: () => this.#metrics.listRequests.inc({ source: this.name }),
    };
  }

  #progress(work: Work[], readBytes: number) {
    const plannedBytes = work.reduce((s, w) => s + w.plan.ranges.reduce((a, r) => a + r.end - r.start, 0), 0);
    return { plannedBytes, readBytes, blobs: work.length };
  }
}

export { SHARD_KIND };
