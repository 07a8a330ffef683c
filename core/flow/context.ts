/**
 * Record-level facts shared by every tuple of one rule group inside one flow-log record.
 *
 * Azure nests tuples under a record and a rule (NSG: `properties.flows[].rule`, VNet:
 * `flowRecords.flows[].flowGroups[].rule`). Rather than copying these strings onto every row,
 * a batch stores one `FlowContext` per group and each row points at it by index. A normalizer may
 * fill a context *after* its tuples were scanned, because JSON key order is not guaranteed
 * (real VNet blobs put `flowTuples` before `rule`).
 *
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export interface FlowContext {
  /** `nsg-v1` | `nsg-v2` | `vnet` | `connector` (Microsoft's flattened Event Hubs records, NSG v1/v2). */
  format: FlowFormat;
  subscriptionId: string;
  resourceGroup: string;
  /** NSG name (NSG logs: from `resourceId`; VNet logs: from `aclID` when it is an ARM id, else the GUID). */
  nsg: string;
  /** Monitored VNet / subnet / NIC ARM id (VNet logs) or the NSG id (NSG logs). */
  targetResource: string;
  /** Flow-log resource id (VNet logs); empty for NSG logs. */
  flowLog: string;
  /** `aclID` as logged (VNet logs); empty for NSG logs. */
  aclId: string;
  /** 12 upper-case hex digits, no separators. */
  mac: string;
  /** Rule as logged, e.g. `UserRule_AllowRdp`. */
  rule: string;
  /** Rule with its `UserRule_` / `DefaultRule_` prefix removed. */
  ruleName: string;
  ruleKind: RuleKind;
  /** Emission time of the 1-minute record, epoch milliseconds (0 when absent). */
  recordTimeMs: number;
}

export const FLOW_FORMATS = ['nsg-v1', 'nsg-v2', 'vnet', 'connector'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

export const RULE_KINDS = ['user', 'default', 'platform', 'avnm', 'unspecified'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export function emptyContext(format: FlowFormat): FlowContext {
  return {
    format,
    subscriptionId: '',
    resourceGroup: '',
    nsg: '',
    targetResource: '',
    flowLog: '',
    aclId: '',
    mac: '',
    rule: '',
    ruleName: '',
    ruleKind: 'unspecified',
    recordTimeMs: 0,
  };
}
