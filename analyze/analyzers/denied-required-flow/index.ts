import { defineAnalyzer } from '../../analyzer.js';
import { DeniedRequiredFlowConfigSchema } from './config.js';
import { DENIED_REQUIRED_FLOW_CATEGORY, detectDeniedRequiredFlows } from './detect.js';
import { deniedFlowQuery } from './query.js';

/** A flow between our hosts (or from ours outward) that an NSG keeps denying. */
export const deniedRequiredFlow = defineAnalyzer({
  id: DENIED_REQUIRED_FLOW_CATEGORY,
  title: 'Denied required flow',
  category: DENIED_REQUIRED_FLOW_CATEGORY,
  config: DeniedRequiredFlowConfigSchema,
  query: (config, window) => deniedFlowQuery(config, window),
  detect: (rows) => detectDeniedRequiredFlows(rows),
});
