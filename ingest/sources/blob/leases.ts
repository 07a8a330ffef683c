import { createHash } from 'node:crypto';
import type { ContainerClient, RestError } from '@azure/storage-blob';

/**
 * Shard ownership with blob leases, so several flowlens instances can tail one storage account:
 * one lease blob per shard (a flow-log root), held with a fixed lease id per instance and renewed
 * every third of the lease duration. A crashed instance's leases expire and others acquire them.
 * Fair share: each instance heartbeats `instances/<id>` with every renewal; instances whose heartbeat
 * is older than one lease duration count as gone. With N live instances an instance keeps at most
 * ceil(shards / N) and releases the rest, which the others pick up on their next poll; the shards of
 * a crashed instance are free once its leases expire, and by then it no longer counts as live.
 * @see https://learn.microsoft.com/rest/api/storageservices/lease-blob
 */
export interface LeaseOptions {
  /** Seconds, 15–60 (Azure's range for finite leases). */
  durationSeconds: number;
  /** This instance's lease id (a GUID). */
  owner: string;
  now?: () => number;
}

export class ShardLeases {
  readonly #container: ContainerClient;
  readonly #opts: LeaseOptions;
  readonly #now: () => number;
  /** shard → time of the last successful acquire/renew. */
  readonly #held = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(container: ContainerClient, opts: LeaseOptions) {
    this.#container = container;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
  }

  /** Creates the lease container and starts renewing (every third of the lease duration). */
  async init(): Promise<void> {
    await this.#container.createIfNotExists();
    this.pause();
    await this.#beat();
    const renewMs = (this.#opts.durationSeconds * 1000) / 3;
    this.#timer = setInterval(
      () =>
        void this.#beat().then(
          () => this.renewAll(),
          () => undefined,
        ),
      renewMs,
    );
    this.#timer.unref();
  }

  /** Stops renewing without releasing: the leases run out as if this instance had crashed. */
  pause(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Owned with margin: a renewal younger than the lease duration minus 5 s. */
  owns(shard: string): boolean {
    const at = this.#held.get(shard);
    return at !== undefined && this.#now() - at < this.#opts.durationSeconds * 1000 - 5000;
  }

  owned(): string[] {
    return [...this.#held.keys()].filter((s) => this.owns(s));
  }

  /** Heartbeat, release above fair share, acquire free shards up to it. Returns newly acquired shards. */
  async rebalance(shards: readonly string[]): Promise<{ acquired: string[]; released: string[] }> {
    const live = await this.#heartbeat();
    const target = Math.ceil(shards.length / Math.max(1, live));
    const known = new Set(shards);
    const released: string[] = [];
    for (const s of [...this.#held.keys()]) if (!known.has(s)) released.push(s);
    const keep = [...this.#held.keys()].filter((s) => known.has(s)).sort(byHash);
    released.push(...keep.slice(target));
    for (const s of released) await this.release(s);
    const acquired: string[] = [];
    for (const s of [...shards].sort(byHash)) {
      if (this.#held.size >= target) break;
      if (this.#held.has(s)) continue;
      if (await this.#acquire(s)) acquired.push(s);
    }
    return { acquired, released };
  }

  async renewAll(): Promise<void> {
    for (const shard of [...this.#held.keys()]) {
      try {
        await this.#leaseClient(shard).renewLease();
        this.#held.set(shard, this.#now());
      } catch (err) {
        // Lost (expired and taken, or deleted): stop treating it as ours. Other failures are left to
        // `owns()`, which turns false once renewals have failed for a lease duration.
        if (isStatus(err, 404, 409, 412)) this.#held.delete(shard);
      }
    }
  }

  async release(shard: string): Promise<void> {
    this.#held.delete(shard);
    await this.#leaseClient(shard)
      .releaseLease()
      .catch(() => undefined);
  }

  /** Idempotent: stops renewing and releases every lease so another instance can take over at once. */
  async stop(): Promise<void> {
    this.pause();
    for (const s of [...this.#held.keys()]) await this.release(s);
    await this.#container
      .getBlockBlobClient(`instances/${this.#opts.owner}`)
      .deleteIfExists()
      .catch(() => undefined);
  }

  async #acquire(shard: string): Promise<boolean> {
    const blob = this.#container.getBlockBlobClient(leaseBlobName(shard));
    try {
      await blob.upload(shard, Buffer.byteLength(shard), { conditions: { ifNoneMatch: '*' } });
    } catch (err) {
      if (!isStatus(err, 409, 412)) throw err;
    }
    try {
      await this.#leaseClient(shard).acquireLease(this.#opts.durationSeconds);
      this.#held.set(shard, this.#now());
      return true;
    } catch (err) {
      if (isStatus(err, 409, 412)) return false; // leased by another instance
      throw err;
    }
  }

  async #beat(): Promise<void> {
    await this.#container.getBlockBlobClient(`instances/${this.#opts.owner}`).upload('', 0);
  }

  /** Writes this instance's heartbeat and counts instances seen within one lease duration. */
  async #heartbeat(): Promise<number> {
    await this.#beat();
    const horizon = this.#now() - this.#opts.durationSeconds * 1000;
    let live = 0;
    for await (const b of this.#container.listBlobsFlat({ prefix: 'instances/' })) {
      const at = b.properties.lastModified?.getTime() ?? 0;
      if (at >= horizon) live++;
      // Heartbeats of instances gone for a day are litter: clean up so this listing stays short.
      else if (at < this.#now() - 86_400_000) await this.#container.getBlobClient(b.name).deleteIfExists();
    }
    return live;
  }

  #leaseClient(shard: string) {
    return this.#container.getBlobClient(leaseBlobName(shard)).getBlobLeaseClient(this.#opts.owner);
  }
}

export function leaseBlobName(shard: string): string {
  return `shards/${createHash('sha1').update(shard).digest('hex')}`;
}

/** Shards sorted by hash: instances agree on an order without talking to each other. */
function byHash(a: string, b: string): number {
  const ha = leaseBlobName(a);
  const hb = leaseBlobName(b);
  return ha < hb ? -1 : ha > hb ? 1 : 0;
}

function isStatus(err: unknown, ...codes: number[]): boolean {
  return codes.includes((err as RestError | undefined)?.statusCode ?? -1);
}
