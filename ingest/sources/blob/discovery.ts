import type { ContainerClient } from '@azure/storage-blob';
import { isYearPrefix } from './paths.js';

/**
 * Listing that scales with the number of flow-log resources, not with the number of blobs:
 * a hierarchical walk (delimiter `/`) finds every per-NSG / per-flow-log root (the level whose
 * children are `y=YYYY/`), and each poll then lists only `<root>y=…/m=…/d=…/h=…/` for the hours it
 * needs. Every listing pages with continuation tokens (`maxPageSize`, at most 5000 per call).
 * @see https://learn.microsoft.com/rest/api/storageservices/enumerating-blob-resources
 */
export interface ListOptions {
  pageSize: number;
  signal?: AbortSignal;
  /** Called once per List Blobs request (metrics). */
  onListCall?: () => void;
}

export interface ListedBlob {
  name: string;
  etag: string;
  contentLength: number;
  lastModifiedMs: number;
}

const MAX_DEPTH = 24;
const WALK_CONCURRENCY = 8;

/** Roots (ending in `/`) under `startPrefixes` ('' = whole container). */
export async function findRoots(
  container: ContainerClient,
  startPrefixes: readonly string[],
  opts: ListOptions,
): Promise<string[]> {
  const roots = new Set<string>();
  let level = [
    ...new Set(startPrefixes.map((p) => rootOfDeepPrefix(p, roots)).filter((p) => p !== undefined)),
  ];
  for (let depth = 0; level.length && depth < MAX_DEPTH && !opts.signal?.aborted; depth++) {
    const next: string[] = [];
    await forEachLimited(level, WALK_CONCURRENCY, async (prefix) => {
      const children = await childPrefixes(container, prefix, opts);
      if (children.some(isYearPrefix)) roots.add(prefix);
      else next.push(...children);
    });
    level = next;
  }
  return [...roots].sort();
}

/** A start prefix already below a root (`…/y=2024/…`) names that root. */
function rootOfDeepPrefix(prefix: string, roots: Set<string>): string | undefined {
  const m = /^(.*?\/)y=/.exec(prefix);
  if (!m) return prefix;
  roots.add(m[1]!);
  return undefined;
}

async function childPrefixes(
  container: ContainerClient,
  prefix: string,
  opts: ListOptions,
): Promise<string[]> {
  const out: string[] = [];
  const pages = container
    .listBlobsByHierarchy('/', prefix ? { prefix } : {})
    .byPage({ maxPageSize: opts.pageSize });
  for await (const page of pages) {
    opts.onListCall?.();
    for (const p of page.segment.blobPrefixes ?? []) out.push(p.name);
    if (opts.signal?.aborted) break;
  }
  return out;
}

/** Every blob under `prefix`, page by page (the SDK follows `NextMarker` continuation tokens). */
export async function* listFlat(
  container: ContainerClient,
  prefix: string,
  opts: ListOptions,
): AsyncGenerator<ListedBlob[]> {
  const pages = container.listBlobsFlat(prefix ? { prefix } : {}).byPage({ maxPageSize: opts.pageSize });
  for await (const page of pages) {
    opts.onListCall?.();
    yield page.segment.blobItems.map((b) => ({
      name: b.name,
      etag: b.properties.etag ?? '',
      contentLength: b.properties.contentLength ?? 0,
      lastModifiedMs: b.properties.lastModified?.getTime() ?? 0,
    }));
    if (opts.signal?.aborted) return;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
