import { normalizeMac, parseArmId } from './azure-ids.js';

/** What a flow-log blob path says about its content. Names are lower-cased like the record context. */
export interface BlobNameInfo {
  kind: 'nsg' | 'vnet';
  subscriptionId?: string;
  /** NSG logs: the NSG's resource group. VNet logs: the network watcher's resource group (e.g. `networkwatcherrg`). */
  resourceGroup?: string;
  nsg?: string;
  /** VNet logs: the flow-log resource name as the path spells it (e.g. `VNETFLOWLOG`). */
  flowLog?: string;
  year: number;
  month: number;
  day: number;
  hour: number;
  /** 12 upper-case hex digits. */
  mac: string;
}

const TAIL =
  /\/y=(\d{4})\/m=(\d{1,2})\/d=(\d{1,2})\/h=(\d{1,2})\/m=\d{1,2}\/macAddress=([0-9a-f][0-9a-f:-]{10,16}[0-9a-f])\/PT1H\.json$/i;

/**
 * Parses a flow-log blob name (or URL). NSG: `resourceId=/SUBSCRIPTIONS/{sub}/RESOURCEGROUPS/{rg}/PROVIDERS/
 * MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/{nsg}/y=…/m=…/d=…/h=…/m=00/macAddress={mac}/PT1H.json`. VNet, the
 * three shapes Microsoft documents after `flowLogResourceID=/`: a full ARM id (`…/FLOWLOGS/{name}`),
 * `{sub}_NETWORKWATCHERRG/NETWORKWATCHER_{region}_{resource}-{rg}-FLOWLOGS` and
 * `{SUB}_NETWORKWATCHERRG/NETWORKWATCHER_{REGION}_{FLOWLOGNAME}`. Returns null for anything else.
 * @see https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview#read-and-export-flow-logs
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#location-of-flow-logs
 */
export function parseBlobName(name: string): BlobNameInfo | null {
  const tail = TAIL.exec(name);
  if (!tail) return null;
  const head = name.slice(0, tail.index);
  const time = {
    year: Number(tail[1]),
    month: Number(tail[2]),
    day: Number(tail[3]),
    hour: Number(tail[4]),
    mac: normalizeMac(tail[5]!),
  };
  if (time.month < 1 || time.month > 12 || time.day < 1 || time.day > 31 || time.hour > 23) return null;
  const lower = head.toLowerCase();
  const nsgAt = lower.lastIndexOf('resourceid=/');
  const vnetAt = lower.lastIndexOf('flowlogresourceid=/');
  if (vnetAt >= 0) return vnetName(head.slice(vnetAt + 'flowLogResourceID='.length), time);
  if (nsgAt >= 0) return nsgName(head.slice(nsgAt + 'resourceId='.length), time);
  return null;
}

type BlobTime = Omit<BlobNameInfo, 'kind'>;

function nsgName(id: string, time: BlobTime): BlobNameInfo | null {
  const arm = parseArmId(id);
  if (!arm?.nsg) return null;
  return {
    kind: 'nsg',
    ...time,
    subscriptionId: arm.subscriptionId,
    resourceGroup: arm.resourceGroup,
    nsg: arm.nsg,
  };
}

function vnetName(id: string, time: BlobTime): BlobNameInfo | null {
  if (/^\/subscriptions\//i.test(id)) {
    const arm = parseArmId(id);
    const flowLog = /\/flowlogs\/([^/]+)$/i.exec(id)?.[1];
    if (!arm || !flowLog) return null;
    return {
      kind: 'vnet',
      ...time,
      subscriptionId: arm.subscriptionId,
      resourceGroup: arm.resourceGroup,
      flowLog,
    };
  }
  // `/{sub}_{networkWatcherRg}/NETWORKWATCHER_{region}_{flowLogName}`: the region has no underscore.
  const short = /^\/([0-9a-f-]{36})_([^/]+)\/NETWORKWATCHER_[^_/]+_([^/]+)$/i.exec(id);
  if (!short) return null;
  return {
    kind: 'vnet',
    ...time,
    subscriptionId: short[1]!.toLowerCase(),
    resourceGroup: short[2]!.toLowerCase(),
    flowLog: short[3]!,
  };
}
