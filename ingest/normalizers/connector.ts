import type { FlowContext } from '../../core/flow/context.js';
import { classifyRule, normalizeMac, parseArmId, recordTime } from './azure-ids.js';
import type { JsonObject, JsonValue } from './json-reader.js';
import { str } from './record-context.js';

/**
 * Microsoft's NSG flow-logs connector flattens every tuple into one record (`nsgRuleName`,
 * `startTime`, `sourceAddress`, … `flowState`, `packetsStoD`, …, all values strings). This rebuilds
 * the tuple text so the one tuple scanner validates it; counters are omitted on B rows (→ no counters)
 * and the connector writes "0" for empty ones.
 * @see https://github.com/microsoft/AzureNetworkWatcherNSGFlowLogsConnector (NwNsgProject/classes.cs)
 */
export function connectorTuple(rec: JsonObject): string {
  const head = [
    rec.startTime,
    rec.sourceAddress,
    rec.destinationAddress,
    rec.sourcePort,
    rec.destinationPort,
    rec.transportProtocol,
    rec.deviceDirection,
    rec.deviceAction,
  ].map(field);
  if (rec.flowState === undefined || rec.flowState === null) return head.join(',');
  const counters = [rec.packetsStoD, rec.bytesStoD, rec.packetsDtoS, rec.bytesDtoS].map(field);
  const present = counters.some((c) => c !== '');
  const tail = present ? counters.map((c) => (c === '' ? '0' : c)) : counters;
  return [...head, field(rec.flowState), ...tail].join(',');
}

export function fillConnector(rec: JsonObject, ctx: FlowContext): void {
  const resourceId = str(rec.resourceId ?? rec.resourceID);
  const arm = parseArmId(resourceId);
  const rule = str(rec.nsgRuleName);
  Object.assign(ctx, classifyRule(rule, false), {
    format: 'connector',
    subscriptionId: arm?.subscriptionId ?? '',
    resourceGroup: arm?.resourceGroup ?? '',
    nsg: arm?.nsg ?? '',
    targetResource: resourceId,
    mac: normalizeMac(str(rec.mac ?? rec.macAddress)),
    rule,
    recordTimeMs: recordTime(rec.time) ?? 0, // unreadable: rejected by the caller
  });
}

function field(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
