import { defineAnalyzer } from '../../analyzer.js';
import { PortScanConfigSchema } from './config.js';
import { detectPortScan, PORT_SCAN_CATEGORY } from './detect.js';
import { portScanQuery } from './query.js';

/** Many distinct destination ports from one source in a short bucket (vertical scan). */
export const portScan = defineAnalyzer({
  id: PORT_SCAN_CATEGORY,
  title: 'Port scan',
  category: PORT_SCAN_CATEGORY,
  config: PortScanConfigSchema,
  query: (config, window) => portScanQuery(config, window),
  detect: (rows, _config, _window, context) => detectPortScan(rows, context),
});
