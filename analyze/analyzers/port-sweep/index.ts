import { defineAnalyzer } from '../../analyzer.js';
import { PortSweepConfigSchema } from './config.js';
import { detectPortSweep, PORT_SWEEP_CATEGORY } from './detect.js';
import { portSweepQuery } from './query.js';

/** One port probed on many hosts by one source (horizontal scan). */
export const portSweep = defineAnalyzer({
  id: PORT_SWEEP_CATEGORY,
  title: 'Port sweep',
  category: PORT_SWEEP_CATEGORY,
  config: PortSweepConfigSchema,
  query: (config, window) => portSweepQuery(config, window),
  detect: (rows, _config, _window, context) => detectPortSweep(rows, context),
});
