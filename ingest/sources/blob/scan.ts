import type { ContainerClient } from '@azure/storage-blob';
import { type ListedBlob, type ListOptions, listFlat } from './discovery.js';
import { HOUR_MS, hourPrefix, hoursBetween, liveHours, parseBlobLocation } from './paths.js';

/** One flow-log root in one container: the unit of sharding and leasing. */
export interface Shard {
  /** `<account>/<container>/<root>`: also the prefix of every cursor key in the shard. */
  id: string;
  container: ContainerClient;
  root: string;
}

export interface Candidate {
  shard: Shard;
  blob: ListedBlob;
  /** `<account>/<container>/<blob name>`: the cursor key in `ingest_positions`. */
  key: string;
  hourMs: number;
}

/** Which hours a poll lists for a shard. `backfillFrom` lists `[from, previous hour)` once. */
export interface ScanWindow {
  nowMs: number;
  /** Start of a one-time backfill (epoch ms), or undefined when caught up. */
  backfillFromMs?: number;
  /** One-shot mode: every blob under the root (from `backfillFromMs` when set). */
  everything?: boolean;
}

/** Above this many hours a backfill lists the root flat instead of hour by hour (fewer calls). */
const FLAT_BACKFILL_HOURS = 48;

/** Lists the candidate blobs of one shard for this poll. */
export async function scanShard(shard: Shard, window: ScanWindow, opts: ListOptions): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const live = liveHours(window.nowMs);
  const previousHour = live[0]!;
  if (window.everything) {
    await collect(out, shard, shard.root, opts, (h) => h >= (window.backfillFromMs ?? 0));
    return out;
  }
  const from = window.backfillFromMs;
  if (from !== undefined && from < previousHour) {
    const hours = hoursBetween(from, previousHour - HOUR_MS);
    if (hours.length > FLAT_BACKFILL_HOURS) {
      const lo = hours[0]!;
      await collect(out, shard, shard.root, opts, (h) => h >= lo && h < previousHour);
    } else {
      for (const h of hours) await collect(out, shard, hourPrefix(shard.root, h), opts, () => true);
    }
  }
  for (const h of live) await collect(out, shard, hourPrefix(shard.root, h), opts, () => true);
  return out;
}

async function collect(
  out: Candidate[],
  shard: Shard,
  prefix: string,
  opts: ListOptions,
  keepHour: (hourMs: number) => boolean,
): Promise<void> {
  const accountAndContainer = shard.id.slice(0, shard.id.length - shard.root.length);
  for await (const page of listFlat(shard.container, prefix, opts)) {
    for (const blob of page) {
      const parsed = parseBlobLocation(blob.name);
      if (!parsed || !keepHour(parsed.hourMs)) continue;
      out.push({ shard, blob, key: `${accountAndContainer}${blob.name}`, hourMs: parsed.hourMs });
    }
  }
}

export function shardId(account: string, containerName: string, root: string): string {
  return `${account}/${containerName}/${root}`;
}
