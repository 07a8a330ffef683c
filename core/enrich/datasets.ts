import { parseAddress, rangeToCidrs } from './cidr.js';
import { ASN, COUNTRY, type TrieSpec } from './tables.js';

/**
 * The ip-location-db CSV layouts (`start,end,…`, one range per line, IPv4 and IPv6 files) turned
 * into trie rows `[prefix, …attributes]`. A line that does not parse is counted, never fatal.
 */

export interface RangeDataset {
  spec: TrieSpec;
  /** Attribute values from the fields after `start,end`; null rejects the line. */
  attributes(fields: string[]): (string | number)[] | null;
}

export const ASN_CSV: RangeDataset = {
  spec: ASN,
  attributes: (f) => {
    const asn = Number(f[0]);
    return Number.isInteger(asn) && asn >= 0 && asn <= 0xffffffff ? [asn, f[1] ?? ''] : null;
  },
};

export const COUNTRY_CSV: RangeDataset = {
  spec: COUNTRY,
  attributes: (f) => (f[0] && /^[A-Za-z]{2}$/.test(f[0]) ? [f[0].toUpperCase()] : null),
};

export interface ConvertStats {
  lines: number;
  rows: number;
  rejected: number;
}

/** Converts CSV lines into trie rows, calling `emit` per row so large files never sit in memory twice. */
export function convertRangeLines(
  dataset: RangeDataset,
  lines: Iterable<string>,
  emit: (row: (string | number)[]) => void,
  stats: ConvertStats = { lines: 0, rows: 0, rejected: 0 },
): ConvertStats {
  for (const line of lines) {
    if (line.trim() === '') continue;
    stats.lines++;
    const fields = parseCsvLine(line);
    const start = parseAddress(fields[0] ?? '');
    const end = parseAddress(fields[1] ?? '');
    const attrs = dataset.attributes(fields.slice(2));
    if (!start || !end || !attrs || start.family !== end.family || start.value > end.value) {
      stats.rejected++;
      continue;
    }
    for (const prefix of rangeToCidrs(start, end)) {
      emit([prefix, ...attrs]);
      stats.rows++;
    }
  }
  return stats;
}

/** RFC 4180 fields of one line: quotes around fields with commas, `""` for a quote. */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else value += line[i++];
      }
      out.push(value);
      i = line.indexOf(',', i) < 0 ? line.length + 1 : line.indexOf(',', i) + 1;
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      out.push(line.slice(i, end).replace(/\r$/, ''));
      i = end + 1;
    }
  }
  return out;
}

/** `2.3.2026061719` → 2026-06-17 (ip-location-db versions end in the build date); null when absent. */
export function dateFromVersion(version: string): Date | null {
  const m = /(20\d\d)(\d\d)(\d\d)\d*$/.exec(version);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? null : d;
}
