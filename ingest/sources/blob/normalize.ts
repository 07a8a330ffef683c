import type { Normalizer } from '../../contracts.js';

/**
 * Adds the blob byte range a body came from to every reject's detail, so a dead-letter row names
 * the blob (`rejects.source`) and the range to fetch again (`bytes A-B` of that blob).
 */
export function withBlobRange(normalize: Normalizer): Normalizer {
  return (body, meta) => {
    const result = normalize(body, meta);
    if (!result.rejects.length) return result;
    const start = meta.baseOffset ?? 0;
    const where = `blob bytes ${start}-${start + body.length}`;
    return { ...result, rejects: result.rejects.map((r) => ({ ...r, detail: `${r.detail} (${where})` })) };
  };
}
