import type { TupleEvent } from './connection.js';
import { hash32 } from './random.js';
import {
  FLOW_LOG_NAME,
  flowLogArmId,
  type LogFormat,
  nsgArmId,
  nsgSpec,
  REGION,
  RESOURCE_GROUP,
  SUBSCRIPTION_ID,
  subnetArmId,
} from './topology.js';

/**
 * Renders one minute of tuples for one NIC as the record Azure writes, in NSG flow log v2 or VNet
 * flow log (version 4) shape.
 * @see https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview#log-format
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export function renderRecord(
  format: LogFormat,
  recordTimeMs: number,
  mac: string,
  nsg: string,
  tuples: TupleEvent[],
): object {
  const byRule = new Map<string, string[]>();
  const sorted = [...tuples].sort((a, b) => a.timeMs - b.timeMs);
  for (const t of sorted) {
    const list = byRule.get(t.rule) ?? [];
    list.push(format === 'vnet' ? vnetTuple(t) : nsgV2Tuple(t));
    byRule.set(t.rule, list);
  }
  const time = azureTime(recordTimeMs);
  if (format === 'nsg-v2') {
    return {
      time,
      systemId: guidFrom(`system:${nsg}`),
      macAddress: mac,
      category: 'NetworkSecurityGroupFlowEvent',
      resourceId: nsgArmId(nsg).toUpperCase(),
      operationName: 'NetworkSecurityGroupFlowEvents',
      properties: {
        Version: 2,
        flows: [...byRule].map(([rule, flowTuples]) => ({ rule, flows: [{ mac, flowTuples }] })),
      },
    };
  }
  return {
    time,
    flowLogVersion: 4,
    flowLogGUID: guidFrom('flowlog'),
    macAddress: mac,
    category: 'FlowLogFlowEvent',
    flowLogResourceID: flowLogArmId(),
    targetResourceID: subnetArmId(nsgSpec(nsg).subnet),
    operationName: 'FlowLogFlowEvent',
    flowRecords: {
      flows: [
        { aclID: nsgArmId(nsg), flowGroups: [...byRule].map(([rule, flowTuples]) => ({ rule, flowTuples })) },
      ],
    },
  };
}

/** `ts,src,dst,sport,dport,T|U,I|O,A|D,B|C|E,pkts,bytes,pkts,bytes`; B rows end in four empty fields. */
export function nsgV2Tuple(t: TupleEvent): string {
  const c = t.counters ? t.counters.join(',') : ',,,';
  return `${Math.floor(t.timeMs / 1000)},${t.src},${t.dst},${t.srcPort},${t.dstPort},${t.protocol},${t.direction},${t.action},${t.state},${c}`;
}

/** `ts_ms,src,dst,sport,dport,6|17,I|O,B|C|E|D,NX,pkts,bytes,pkts,bytes`; denied flows have state D. */
export function vnetTuple(t: TupleEvent): string {
  const state = t.action === 'D' ? 'D' : t.state;
  const c = t.counters ? t.counters.join(',') : '0,0,0,0';
  return `${t.timeMs},${t.src},${t.dst},${t.srcPort},${t.dstPort},${t.protocol === 'T' ? 6 : 17},${t.direction},${state},NX,${c}`;
}

/** Azure writes 7 fractional digits: 2024-08-19T18:00:06.1234567Z. */
export function azureTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export function guidFrom(seed: string): string {
  const h = [hash32(seed), hash32(`${seed}#1`), hash32(`${seed}#2`), hash32(`${seed}#3`)]
    .map((x) => x.toString(16).padStart(8, '0'))
    .join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const CONTAINERS = {
  'nsg-v2': 'insights-logs-networksecuritygroupflowevent',
  vnet: 'insights-logs-flowlogflowevent',
} as const;

/**
 * Blob path of the hour's PT1H.json. NSG: the documented `resourceId=/SUBSCRIPTIONS/…` path.
 * VNet: the shape seen in real storage accounts (docs/reference/flow-logs.md §1b shape 3).
 */
export function blobName(format: LogFormat, nsg: string, mac: string, hourMs: number): string {
  const d = new Date(hourMs);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const date = `y=${d.getUTCFullYear()}/m=${p2(d.getUTCMonth() + 1)}/d=${p2(d.getUTCDate())}/h=${p2(d.getUTCHours())}/m=00`;
  if (format === 'nsg-v2') {
    return `resourceId=/SUBSCRIPTIONS/${SUBSCRIPTION_ID.toUpperCase()}/RESOURCEGROUPS/${RESOURCE_GROUP.toUpperCase()}/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/${nsg.toUpperCase()}/${date}/macAddress=${mac}/PT1H.json`;
  }
  return `flowLogResourceID=/${SUBSCRIPTION_ID.toUpperCase()}_NETWORKWATCHERRG/NETWORKWATCHER_${REGION.toUpperCase()}_${FLOW_LOG_NAME.toUpperCase()}/${date}/macAddress=${mac}/PT1H.json`;
}
