import { defineAnalyzer } from '../../analyzer.js';
import { ExfiltrationConfigSchema } from './config.js';
import { detectExfiltration, EXFILTRATION_CATEGORY } from './detect.js';
import { exfiltrationQuery } from './query.js';

/** An internal host sending unusually many bytes to public destinations versus its own baseline. */
export const exfiltration = defineAnalyzer({
  id: EXFILTRATION_CATEGORY,
  title: 'Data exfiltration',
  category: EXFILTRATION_CATEGORY,
  config: ExfiltrationConfigSchema,
  query: (config, window) => exfiltrationQuery(config, window),
  detect: (rows, config, window, context) => detectExfiltration(rows, config, window, context),
});
