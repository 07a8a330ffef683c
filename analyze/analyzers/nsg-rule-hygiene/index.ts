import { ruleAnalyzer } from '../../rules/analyzer.js';

/**
 * The other rule checks of analyze/rules: management ports and broad port ranges open to the
 * internet, shadowed and redundant rules, deny rules hit by internal sources. Each finding keeps its own
 * category.
 */
export const nsgRuleHygiene = ruleAnalyzer('nsg-rule-hygiene', 'NSG rule hygiene', [
  'management-port-open-to-internet',
  'open-to-internet-rule',
  'shadowed-rule',
  'redundant-rule',
  'deny-hit-by-internal-source',
]);
