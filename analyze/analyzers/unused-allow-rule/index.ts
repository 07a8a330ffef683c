import { ruleAnalyzer } from '../../rules/analyzer.js';

/** NSG allow rules with no hits over a window where flow logs covered the NSG (analyze/rules). */
export const unusedAllowRule = ruleAnalyzer('unused-allow-rule', 'Unused NSG allow rule', [
  'unused-allow-rule',
]);
