import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../../core/errors.js';

/**
 * The Azure Service Tags JSON file (`ServiceTags_Public_*.json`): tag name → address prefixes.
 * @see https://learn.microsoft.com/azure/virtual-network/service-tags-overview#discover-service-tags-by-using-downloadable-json-files
 */
const ServiceTagsSchema = z.object({
  values: z.array(
    z.object({
      name: z.string(),
      properties: z.looseObject({ addressPrefixes: z.array(z.string()).default([]) }),
    }),
  ),
});

export function parseServiceTags(doc: unknown): Map<string, string[]> {
  const parsed = ServiceTagsSchema.safeParse(doc);
  if (!parsed.success)
    throw new ConfigError([`service tags file: ${parsed.error.issues[0]?.message ?? 'invalid'}`]);
  return new Map(parsed.data.values.map((v) => [v.name, v.properties.addressPrefixes]));
}

export async function loadServiceTags(path: string): Promise<Map<string, string[]>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`service tags file ${path}: ${err instanceof Error ? err.message : String(err)}`]);
  }
  try {
    return parseServiceTags(JSON.parse(text));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError([`service tags file ${path}: not JSON`]);
  }
}
