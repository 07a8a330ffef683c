import { defineAnalyzer } from '../../analyzer.js';
import { BeaconingConfigSchema } from './config.js';
import { BEACONING_CATEGORY, detectBeaconing } from './detect.js';
import { beaconQuery } from './query.js';

/** Regular connections from one host to one public destination (command-and-control heartbeat). */
export const beaconing = defineAnalyzer({
  id: BEACONING_CATEGORY,
  title: 'Beaconing',
  category: BEACONING_CATEGORY,
  config: BeaconingConfigSchema,
  query: (config, window) => beaconQuery(config, window),
  detect: (rows, config, _window, context) => detectBeaconing(rows, config, context),
});
