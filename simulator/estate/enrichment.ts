import type { ServiceTagsFile } from '../../core/enrich/service-tags.js';

/**
 * What the estate's enrichment dictionaries know (loaded next to its flows): the Azure service tags
 * of the public endpoints the benign traffic uses, and AS numbers for the non-Azure ones and for
 * the attackers. Attackers' networks use private-use AS numbers (RFC 6996) so no real network is
 * named; they are networks no host of the estate ever talked to before the incidents.
 */
export const ESTATE_SERVICE_TAGS: ServiceTagsFile = {
  changeNumber: 1,
  cloud: 'Public',
  values: [
    { name: 'AzureMonitor', properties: { region: '', addressPrefixes: ['20.50.65.0/24'] } },
    {
      name: 'Storage.WestEurope',
      properties: { region: 'westeurope', systemService: 'AzureStorage', addressPrefixes: ['20.60.0.0/16'] },
    },
  ],
};

/** `[prefix, asn, AS name]` rows for the ASN trie. */
export const ESTATE_ASNS: readonly [string, number, string][] = [
  ['13.104.0.0/14', 8075, 'Microsoft Corporation'],
  ['91.189.88.0/21', 41231, 'Canonical Group Limited'],
  ['185.125.188.0/22', 41231, 'Canonical Group Limited'],
  ['1.1.1.0/24', 13335, 'Cloudflare, Inc.'],
  ['162.159.200.0/24', 13335, 'Cloudflare, Inc.'],
  ['52.84.0.0/15', 16509, 'Amazon.com, Inc.'],
  ['198.51.100.0/24', 64501, 'Partner Logistics (example)'],
  ['203.0.113.0/24', 64502, 'Corporate ISP (example)'],
  ['5.188.86.0/24', 64600, 'Attacker hosting A (example)'],
  ['193.42.33.0/24', 64601, 'Attacker hosting B (example)'],
  ['45.9.148.0/24', 64602, 'Attacker hosting C (example)'],
];
