import type { ServiceTagsFile } from '../core/enrich/service-tags.js';
import type { Connection } from './connection.js';
import { BRUTE_FORCE_IP, C2_IP, EXFIL_IP, SCANNER_IP } from './incidents.js';
import type { Rng } from './random.js';
import { host } from './topology.js';
import { dailyFactor, type TrafficGenerator } from './traffic.js';

/**
 * What `flowlens demo` adds so its pages show every kind of enrichment (docs/enrichment.md): the
 * app tier writing to a storage account over its public endpoint (a service tag on the peer, and
 * the `paas-over-public-endpoint` advice), a service-tag slice that names it, and a threat-intel
 * list with the planted attackers. Kept out of BENIGN_TRAFFIC: the scenario tests' estate stays as it was.
 */

/** A blob endpoint of a storage account in West Europe (inside Storage.WestEurope below). */
export const STORAGE_ACCOUNT_IP = '52.239.140.36';

/** app-1 and app-2 upload blobs (reports, logs) to the storage account: 100 kB–5 MB, a few an hour. */
const storageUploads: TrafficGenerator = (m, rng) => {
  const out: Connection[] = [];
  for (const name of ['app-1', 'app-2']) {
    if (!rng.chance(0.08 * dailyFactor(m))) continue;
    out.push(upload(m + rng.int(0, 59_999), host(name).ip, rng));
  }
  return out;
};

function upload(startMs: number, src: string, rng: Rng): Connection {
  const bytesOut = rng.int(100_000, 5_000_000);
  return {
    startMs,
    durationMs: rng.int(500, 20_000),
    src,
    dst: STORAGE_ACCOUNT_IP,
    srcPort: rng.int(32768, 60999),
    dstPort: 443,
    protocol: 'T',
    packetsOut: Math.ceil(bytesOut / 1400),
    bytesOut,
    packetsIn: Math.ceil(bytesOut / 30_000),
    bytesIn: rng.int(2_000, 9_000),
    outboundRule: { rule: 'DefaultRule_AllowInternetOutBound', action: 'A' },
  };
}

/** Traffic only the demo writes, in addition to the benign estate and its incidents. */
export const DEMO_AZURE_TRAFFIC: readonly TrafficGenerator[] = [storageUploads];

/**
 * A slice of Microsoft's weekly ServiceTags_Public download (layout and tag names as published;
 * prefixes are Microsoft's, AS8075 in the packaged ASN data). `flowlens enrich service-tags import`
 * of a current download replaces it.
 */
export const DEMO_SERVICE_TAGS: ServiceTagsFile = {
  changeNumber: 1,
  cloud: 'Public',
  values: [
    {
      name: 'Storage.WestEurope',
      id: 'Storage.WestEurope',
      properties: {
        region: 'westeurope',
        systemService: 'AzureStorage',
        addressPrefixes: ['52.239.140.0/22', '52.239.212.0/23', '52.239.242.0/23'],
      },
    },
    {
      name: 'AzureCloud.westeurope',
      id: 'AzureCloud.westeurope',
      properties: {
        region: 'westeurope',
        addressPrefixes: [
          '20.61.0.0/16',
          '20.71.0.0/16',
          '51.124.0.0/16',
          '51.144.0.0/16',
          '52.166.0.0/16',
          '52.239.140.0/22',
          '52.239.212.0/23',
          '52.239.242.0/23',
        ],
      },
    },
  ],
};

/** The demo's threat-intel list: the planted attackers, as a blocklist a SOC would load. */
export const DEMO_THREAT_LIST = {
  name: 'demo-blocklist',
  confidence: 90,
  prefixes: [SCANNER_IP, BRUTE_FORCE_IP, C2_IP, EXFIL_IP].map((ip) => `${ip}/32`),
};
