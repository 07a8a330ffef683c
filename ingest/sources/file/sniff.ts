import { open } from 'node:fs/promises';

/** Bytes read to decide: enough for the first record's keys of every known shape. */
export const SNIFF_BYTES = 16 * 1024;

/**
 * Keys any flow-log record or wrapper has at least one of: Azure's `{"records":[…]}`, NSG v1/v2
 * and VNet v4 records, Microsoft's connector records (flat, or the 2018 Splunk-shaped ones with
 * `rt`/`src`/`dst`, which must reach the normalizer to be rejected with their own excerpt), and
 * SDN firewall audit records. `category` is not here: the ground truth `flowlens simulate` writes
 * uses it too.
 */
const FLOW_KEYS = new Set([
  'records',
  'time',
  'properties',
  'resourceId',
  'resourceID',
  'operationName',
  'flowTuples',
  'flowRecords',
  'flows',
  'nsgRuleName',
  'startTime',
  'sourceAddress',
  'mac',
  'macAddress',
  'rt',
  'src',
  'dst',
  'spt',
  'dpt',
  'Version',
  'version',
]);

/**
 * Keys no flow-log record has but Azure resource documents do: a single NSG as ARM returns it
 * (`properties` too, so the flow keys alone would let it through), `az network nsg list` output,
 * ARM templates.
 */
const NON_FLOW_KEYS = new Set(['$schema', 'securityRules', 'defaultSecurityRules', 'etag', 'location']);

/**
 * Why a file is not a flow log, or null when it may be one. Decided from the top-level keys of the
 * first JSON object in the first bytes (the first element when the file is an array): a file is
 * skipped only when it plainly is JSON whose first object has keys and either none of them is a
 * flow-log key (an NSG export `{"value":[…]}`, `flowlens simulate`'s ground truth) or one of them
 * marks an Azure resource document (an NSG, an ARM template). Anything else, garbage included, goes
 * to the normalizer, so bad input still becomes counted rejects.
 */
export function notFlowLog(head: Buffer): string | null {
  const keys = firstObjectKeys(head.toString('utf8').replace(/^\uFEFF/, ''));
  if (keys === null || keys.length === 0) return null;
  if (!keys.some((k) => NON_FLOW_KEYS.has(k)) && keys.some((k) => FLOW_KEYS.has(k))) return null;
  return `not a flow log (top-level keys: ${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''})`;
}

/** Reads the first {@link SNIFF_BYTES} of a file. */
export async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The keys of the first object (depth 1 of `{`, or depth 2 of `[{`), as far as the text goes;
 * null when the text does not start like JSON. A string-aware scan: no full parse, so a truncated
 * head of a large file works.
 */
function firstObjectKeys(text: string): string[] | null {
  let i = skipWs(text, 0);
  if (text[i] === '[') i = skipWs(text, i + 1);
  if (text[i] !== '{') return null;
  const keys: string[] = [];
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (end < 0) break;
      if (depth === 1 && text[skipWs(text, end + 1)] === ':') keys.push(keyText(text.slice(i + 1, end)));
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (--depth === 0) break;
    }
  }
  return keys;
}

function keyText(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw; // a bad escape: the raw text still names the key
  }
}

/** Index of the closing quote of the string opening at `start`, or -1 if the text ends first. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t'))
    i++;
  return i;
}
