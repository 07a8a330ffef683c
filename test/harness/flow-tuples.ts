/**
 * Independent tuple counting for normalizer tests: `JSON.parse` plus a walk, sharing no code with the
 * byte scanner, so "every tuple is one row or one reject" is checked against a second opinion.
 */
export function countTuplesInJson(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countTuplesInJson(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  // Microsoft's connector flattens each tuple into one record.
  let n = typeof (value as { nsgRuleName?: unknown }).nsgRuleName === 'string' ? 1 : 0;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'flowTuples' && Array.isArray(v)) n += v.length;
    else n += countTuplesInJson(v);
  }
  return n;
}

/** Counts tuples of a body that is JSON or NDJSON (one JSON value per non-empty line). */
export function countTuples(text: string): number {
  try {
    return countTuplesInJson(JSON.parse(text));
  } catch {
    return text
      .split('\n')
      .filter((l) => l.trim())
      .reduce((n, l) => n + countTuplesInJson(JSON.parse(l)), 0);
  }
}
