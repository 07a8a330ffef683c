import { z } from 'zod';
import { normalizeCidr } from './cidr.js';
import type { TrieRow } from './store.js';

/**
 * Azure service tags: the weekly `ServiceTags_Public_YYYYMMDD.json` download and the ARM
 * `serviceTags.list` answer have the same shape, so both go through `serviceTagRows`.
 * @see https://learn.microsoft.com/azure/virtual-network/service-tags-overview
 */
export const ServiceTagsFileSchema = z.object({
  changeNumber: z.coerce.number().optional(),
  cloud: z.string().optional(),
  values: z.array(
    z.object({
      name: z.string().min(1),
      id: z.string().optional(),
      properties: z.object({
        changeNumber: z.coerce.number().optional(),
        region: z.string().optional(),
        systemService: z.string().optional(),
        addressPrefixes: z.array(z.string()).default([]),
      }),
    }),
  ),
});
export type ServiceTagsFile = z.infer<typeof ServiceTagsFileSchema>;

interface Candidate {
  tag: string;
  service: string;
  region: string;
  rank: number;
}

/**
 * One row per distinct prefix with its most specific tag. The trie already prefers the longest
 * prefix; for the same prefix a service tag beats the `AzureCloud` catch-all, and a regional tag
 * (`Storage.WestEurope`) beats the global one (`Storage`).
 */
export function serviceTagRows(file: ServiceTagsFile): { rows: TrieRow[]; tags: number; rejected: string[] } {
  const best = new Map<string, Candidate>();
  const rejected: string[] = [];
  for (const v of file.values) {
    const region = v.properties.region ?? '';
    const service = v.properties.systemService || (v.name.split('.')[0] ?? v.name);
    const rank = (v.name.startsWith('AzureCloud') ? 0 : 2) + (region || v.name.includes('.') ? 1 : 0);
    for (const p of v.properties.addressPrefixes) {
      const n = normalizeCidr(p);
      if (!n) {
        rejected.push(`${v.name}: ${p}`);
        continue;
      }
      const prev = best.get(n.cidr);
      if (!prev || rank > prev.rank) best.set(n.cidr, { tag: v.name, service, region, rank });
    }
  }
  const rows = [...best].map(([prefix, c]): TrieRow => [prefix, c.tag, c.service, c.region]);
  return { rows, tags: file.values.length, rejected };
}
