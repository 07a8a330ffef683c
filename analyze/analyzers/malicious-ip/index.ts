import { defineAnalyzer } from '../../analyzer.js';
import { MaliciousIpConfigSchema } from './config.js';
import { detectMalicious, MALICIOUS_CATEGORY } from './detect.js';
import { listedQuery } from './query.js';

/** Allowed traffic with addresses on a threat-intel list (enrichment intel dictionary, docs/enrichment.md). */
export const maliciousIp = defineAnalyzer({
  id: MALICIOUS_CATEGORY,
  title: 'Traffic with a listed (malicious) address',
  category: MALICIOUS_CATEGORY,
  config: MaliciousIpConfigSchema,
  query: (config, window) => listedQuery(config, window),
  detect: (rows, config) => detectMalicious(rows, config),
});
