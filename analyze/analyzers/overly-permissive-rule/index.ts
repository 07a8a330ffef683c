import { ruleAnalyzer } from '../../rules/analyzer.js';

/** NSG allow rules far wider than the traffic they carry, with a tightened proposal (analyze/rules). */
export const overlyPermissiveRule = ruleAnalyzer('overly-permissive-rule', 'Overly permissive NSG rule', [
  'overly-permissive-rule',
]);
