import { createHash } from 'node:crypto';

/**
 * Stable finding id: SHA-256 of the category and the identifying subject fields, in a fixed key
 * order, so the same thing found again (any run, any process) gets the same id. 32 hex chars
 * (128 bits) are plenty against collisions and short enough for URLs.
 */
export function fingerprint(
  category: string,
  key: Readonly<Record<string, string | number | undefined>>,
): string {
  const parts = Object.keys(key)
    .filter((k) => key[k] !== undefined)
    .sort()
    .map((k) => `${k}=${String(key[k])}`);
  return createHash('sha256')
    .update(`${category}\n${parts.join('\n')}`)
    .digest('hex')
    .slice(0, 32);
}
