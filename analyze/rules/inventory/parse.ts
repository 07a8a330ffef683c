import type { NsgDefinition } from '../model/types.js';
import { normalizeNsg } from './normalize.js';
import { RawNsgSchema } from './schema.js';

export interface ParsedInventory {
  nsgs: NsgDefinition[];
  /** One line per NSG or rule that could not be used, with where it was. */
  problems: string[];
}

/**
 * Reads NSG definitions from parsed JSON: one NSG object, an array of them, `{ "value": [...] }`
 * (REST list), or a REST example `{ "responses": { "200": { "body": … } } }`. Never throws on bad
 * input: what cannot be used is listed in `problems`.
 * @see https://learn.microsoft.com/cli/azure/network/nsg#az-network-nsg-list
 */
export function parseNsgDocument(doc: unknown, origin = 'input'): ParsedInventory {
  const problems: string[] = [];
  const nsgs: NsgDefinition[] = [];
  for (const [i, item] of unwrap(doc).entries()) {
    const parsed = RawNsgSchema.safeParse(item);
    if (!parsed.success) {
      const what = parsed.error.issues.map((x) => `${x.path.join('.') || '(root)'} ${x.message}`).join('; ');
      problems.push(`${origin}: NSG #${i}: ${what}`);
      continue;
    }
    nsgs.push(normalizeNsg(parsed.data, problems, origin));
  }
  if (nsgs.length === 0 && problems.length === 0) problems.push(`${origin}: no NSG definitions found`);
  return { nsgs, problems };
}

function unwrap(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    if (Array.isArray(o.value)) return o.value;
    const body = (o.responses as Record<string, { body?: unknown }> | undefined)?.['200']?.body;
    if (body !== undefined) return unwrap(body);
    return [doc];
  }
  return [doc];
}

/** Parses text (JSON); a syntax error is a problem, not an exception. */
export function parseNsgText(text: string, origin: string): ParsedInventory {
  try {
    return parseNsgDocument(JSON.parse(text), origin);
  } catch (err) {
    return {
      nsgs: [],
      problems: [`${origin}: not JSON (${err instanceof Error ? err.message : String(err)})`],
    };
  }
}
