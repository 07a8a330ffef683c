import { readFile } from 'node:fs/promises';
import type { AnalyzeConfig } from '../core/config/sections/analyze.js';
import { errorMessage } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import { type IpSet, ipSet, parseIpList } from './ip-set.js';

/**
 * Loads threat-intel lists (files, and URLs when configured). A list that fails to load is logged
 * and skipped: missing intel lowers severities, it must not stop detection.
 */
export async function loadThreatIntel(
  config: AnalyzeConfig['threatIntel'],
  logger?: Logger,
  fetchImpl: typeof fetch = fetch,
): Promise<IpSet> {
  const entries: string[] = [];
  for (const file of config.files) {
    try {
      entries.push(...parseIpList(await readFile(file, 'utf8')).entries);
    } catch (err) {
      logger?.warn({ file, err: errorMessage(err) }, 'threat-intel file not loaded');
    }
  }
  for (const url of config.urls) {
    try {
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(30_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      entries.push(...parseIpList(await res.text()).entries);
    } catch (err) {
      logger?.warn({ url, err: errorMessage(err) }, 'threat-intel URL not loaded');
    }
  }
  return ipSet(entries);
}
