/**
 * Key of the NSG inventory (`InventoryNsg[]`, as valid at the end of the rules window) in
 * `AnalyzerContext.extra`, next to the rule report: detectors that judge a flow by the rule that
 * allowed it (exposed-management-port) read it from there.
 */
export const NSG_INVENTORY_EXTRA = 'nsgInventory';
