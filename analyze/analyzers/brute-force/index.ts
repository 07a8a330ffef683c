import { defineAnalyzer } from '../../analyzer.js';
import { BruteForceConfigSchema } from './config.js';
import { BRUTE_FORCE_CATEGORY, detectBruteForce } from './detect.js';
import { bruteForceQuery } from './query.js';

/** Many short connections from one source to one login port of one host. */
export const bruteForce = defineAnalyzer({
  id: BRUTE_FORCE_CATEGORY,
  title: 'Brute force',
  category: BRUTE_FORCE_CATEGORY,
  config: BruteForceConfigSchema,
  query: (config, window) => bruteForceQuery(config, window),
  detect: (rows, config, _window, context) => detectBruteForce(rows, config, context),
});
