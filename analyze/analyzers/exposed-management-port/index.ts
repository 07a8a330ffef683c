import { defineAnalyzer } from '../../analyzer.js';
import { ExposedManagementPortConfigSchema } from './config.js';
import { detectExposure, EXPOSED_CATEGORY } from './detect.js';
import { exposureQuery } from './query.js';

/** Management and data-store ports reachable from the internet (allowed inbound flows from public sources). */
export const exposedManagementPort = defineAnalyzer({
  id: EXPOSED_CATEGORY,
  title: 'Exposed management port',
  category: EXPOSED_CATEGORY,
  config: ExposedManagementPortConfigSchema,
  query: (config, window) => exposureQuery(config, window),
  detect: (rows, config, _window, context) => detectExposure(rows, config, context),
});
