import { isPublicIpText } from '../../core/net/ip.js';

/**
 * A small 3-NSG estate with planted rule problems and their ground truth, for the rule report's
 * end-to-end test (stand-in until the lead's simulator is on main). Deterministic.
 *
 * web-nsg (NSG flow logs v2, names upper-cased in the logs like Azure does):
 *   allow-https       Internet → 10.0.1.4:443, busy, many sources          → not flagged
 *   allow-app-range   * → 10.0.1.4:8000-8999, used on 8443 by two sources  → narrow (sources, ports)
 *   allow-rdp         * → 10.0.1.4:3389, used by two admin addresses       → management port, narrow sources
 *   allow-legacy-ftp  * → 10.0.1.5:21, never used                          → remove (unused)
 *   allow-monitoring  10.0.2.10 → 10.0.1.4-5:9100, fully used              → not flagged
 *   allow-https-copy  Internet → 10.0.1.4:443 below allow-https            → remove (redundant)
 *   deny-smb          VirtualNetwork → *:445 deny, hit by 10.0.2.10         → review (deny hit internally)
 * db-nsg (VNet flow logs only, aclID = NSG ARM id):
 *   allow-sql-from-app 10.0.1.0/24 → 10.0.3.4:1433-1434, used 10.0.1.4→1433 → narrow (sources, ports)
 *   allow-backup      10.0.4.0/24 → 10.0.3.4:22, never used                → remove (unused)
 * jump-nsg (flow logs only for the last 5 days):
 *   allow-ssh-vpn     192.168.100.0/24 → *:22, no hits                     → insufficient data, not "unused"
 */
export const WINDOW = { from: '2026-10-01T00:00:00.000Z', to: '2026-10-31T00:00:00.000Z' };
export const SUB = '7f1e0000-0000-4000-8000-000000000001';
const nsgId = (rg: string, name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Network/networkSecurityGroups/${name}`;

const rule = (name: string, priority: number, p: Record<string, unknown>) => ({
  name,
  priority,
  direction: 'Inbound',
  access: 'Allow',
  protocol: 'Tcp',
  sourcePortRange: '*',
  sourcePortRanges: [],
  sourceAddressPrefixes: [],
  destinationAddressPrefixes: [],
  destinationPortRanges: [],
  ...p,
});
const defaults = [
  rule('AllowVnetInBound', 65000, {
    protocol: '*',
    sourceAddressPrefix: 'VirtualNetwork',
    destinationAddressPrefix: 'VirtualNetwork',
    destinationPortRange: '*',
  }),
  rule('AllowAzureLoadBalancerInBound', 65001, {
    protocol: '*',
    sourceAddressPrefix: 'AzureLoadBalancer',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
  }),
  rule('DenyAllInBound', 65500, {
    protocol: '*',
    access: 'Deny',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
  }),
];

/** `az network nsg list -o json` output for the estate. */
export function nsgDefinitions(): unknown[] {
  const nsg = (rg: string, name: string, guid: string, securityRules: unknown[]) => ({
    name,
    id: nsgId(rg, name),
    location: 'westeurope',
    resourceGroup: rg,
    resourceGuid: guid,
    securityRules,
    defaultSecurityRules: defaults,
  });
  return [
    nsg('rg-app', 'web-nsg', '0b5a0000-0000-4000-8000-00000000000a', [
      rule('allow-https', 100, {
        sourceAddressPrefix: 'Internet',
        destinationAddressPrefix: '10.0.1.4',
        destinationPortRange: '443',
      }),
      rule('allow-app-range', 110, {
        sourceAddressPrefix: '*',
        destinationAddressPrefix: '10.0.1.4',
        destinationPortRange: '8000-8999',
      }),
      rule('allow-rdp', 120, {
        sourceAddressPrefix: '*',
        destinationAddressPrefix: '10.0.1.4',
        destinationPortRange: '3389',
      }),
      rule('allow-legacy-ftp', 130, {
        sourceAddressPrefix: '*',
        destinationAddressPrefix: '10.0.1.5',
        destinationPortRange: '21',
      }),
      rule('allow-monitoring', 140, {
        sourceAddressPrefix: '10.0.2.10',
        destinationAddressPrefixes: ['10.0.1.4', '10.0.1.5'],
        destinationPortRange: '9100',
      }),
      rule('allow-https-copy', 150, {
        sourceAddressPrefix: 'Internet',
        destinationAddressPrefix: '10.0.1.4',
        destinationPortRange: '443',
      }),
      rule('deny-smb', 4000, {
        access: 'Deny',
        sourceAddressPrefix: 'VirtualNetwork',
        destinationAddressPrefix: '*',
        destinationPortRange: '445',
      }),
    ]),
    nsg('rg-data', 'db-nsg', '0b5a0000-0000-4000-8000-00000000000b', [
      rule('allow-sql-from-app', 100, {
        sourceAddressPrefix: '10.0.1.0/24',
        destinationAddressPrefix: '10.0.3.4',
        destinationPortRange: '1433-1434',
      }),
      rule('allow-backup', 110, {
        sourceAddressPrefix: '10.0.4.0/24',
        destinationAddressPrefix: '10.0.3.4',
        destinationPortRange: '22',
      }),
    ]),
    nsg('rg-ops', 'jump-nsg', '0b5a0000-0000-4000-8000-00000000000c', [
      rule('allow-ssh-vpn', 100, {
        sourceAddressPrefix: '192.168.100.0/24',
        destinationAddressPrefix: '*',
        destinationPortRange: '22',
      }),
    ]),
  ];
}

export const EXPECTED: Record<string, { action: string; category: string } | 'none' | 'insufficient'> = {
  'web-nsg/allow-https': 'none',
  'web-nsg/allow-app-range': { action: 'narrow', category: 'overly-permissive-rule' },
  'web-nsg/allow-rdp': { action: 'narrow', category: 'management-port-open-to-internet' },
  'web-nsg/allow-legacy-ftp': { action: 'remove', category: 'unused-allow-rule' },
  'web-nsg/allow-monitoring': 'none',
  'web-nsg/allow-https-copy': { action: 'remove', category: 'redundant-rule' },
  'web-nsg/deny-smb': { action: 'review', category: 'deny-hit-by-internal-source' },
  'db-nsg/allow-sql-from-app': { action: 'narrow', category: 'overly-permissive-rule' },
  'db-nsg/allow-backup': { action: 'remove', category: 'unused-allow-rule' },
  'jump-nsg/allow-ssh-vpn': 'insufficient',
};

/**
 * Defender for Cloud just-in-time rules created on 26 October (day index 25) (a second inventory snapshot): one on
 * web-nsg, used (its flows log the name truncated to 65 characters), one on jump-nsg, never used.
 */
export const JIT_VALID_FROM = '2026-10-26T00:00:00.000Z';
export const JIT_USED = rule(
  'MicrosoftDefenderForCloud-JITRule_2017955537_88ABE006EA9C4130BF9065D4405169C7',
  90,
  {
    sourceAddressPrefix: '198.51.100.20',
    destinationAddressPrefix: '10.0.1.4',
    destinationPortRange: '22',
  },
);
export const JIT_UNUSED = rule(
  'MicrosoftDefenderForCloud-JITRule_2017955537_11BBE006EA9C4130BF9065D4405169C7',
  91,
  {
    sourceAddressPrefix: '198.51.100.21',
    destinationAddressPrefix: '10.0.1.5',
    destinationPortRange: '3389',
  },
);

/** A row of the `flows` table (columns the rule analysis reads). */
export interface FlowRow {
  time: string;
  format: string;
  subscription_id: string;
  resource_group: string;
  nsg: string;
  acl_id: string;
  rule: string;
  rule_name: string;
  rule_kind: string;
  src_ip: string;
  dst_ip: string;
  src_port: number;
  dst_port: number;
  protocol: number;
  direction: 'inbound' | 'outbound';
  action: 'allow' | 'deny';
  state: string;
  remote_is_public: boolean;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** 30 days of traffic, one batch of flows per day (hour varies). */
export function scenarioFlows(): FlowRow[] {
  const rand = rng(42);
  const internet = Array.from(
    { length: 300 },
    () =>
      `${20 + Math.floor(rand() * 180)}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`,
  ).filter(isPublicIpText);
  const rows: FlowRow[] = [];
  for (let day = 0; day < 30; day++) {
    const at = (minute: number) =>
      new Date(
        Date.parse(WINDOW.from) + day * 86_400_000 + (6 + (day % 12)) * 3_600_000 + minute * 60_000,
      ).toISOString();
    const web = (
      rule: string,
      src: string,
      dst: string,
      port: number,
      action: 'allow' | 'deny' = 'allow',
      kind = 'user',
    ) =>
      rows.push(
        row({
          time: at(rows.length % 50),
          format: 'nsg-v2',
          rg: 'RG-APP',
          nsg: 'WEB-NSG',
          acl: '',
          rule,
          kind,
          src,
          dst,
          port,
          action,
        }),
      );
    for (let k = 0; k < 40; k++)
      web('allow-https', internet[Math.floor(rand() * internet.length)]!, '10.0.1.4', 443);
    web('allow-app-range', '203.0.113.5', '10.0.1.4', 8443);
    web('allow-app-range', '198.51.100.7', '10.0.1.4', 8443);
    if (day % 3 === 0) web('allow-rdp', day % 2 ? '198.51.100.20' : '203.0.113.40', '10.0.1.4', 3389);
    web('allow-monitoring', '10.0.2.10', '10.0.1.4', 9100);
    web('allow-monitoring', '10.0.2.10', '10.0.1.5', 9100);
    if (day % 5 === 1) web('deny-smb', '10.0.2.10', '10.0.1.5', 445, 'deny');
    web('DenyAllInBound', internet[day]!, '10.0.1.5', 23, 'deny', 'default');
    rows.push(
      row({
        time: at(7),
        format: 'vnet',
        rg: 'rg-data',
        nsg: 'db-nsg',
        acl: nsgId('rg-data', 'db-nsg'),
        rule: 'allow-sql-from-app',
        kind: 'user',
        src: '10.0.1.4',
        dst: '10.0.3.4',
        port: 1433,
        action: 'allow',
      }),
    );
    // A Defender JIT rule added on day 25 (see JIT_USED), logged with its name truncated.
    if (day >= 26) web(JIT_USED.name.slice(0, 65), '198.51.100.20', '10.0.1.4', 22);
    if (day >= 25)
      rows.push(
        row({
          time: at(9),
          format: 'nsg-v2',
          rg: 'RG-OPS',
          nsg: 'JUMP-NSG',
          acl: '',
          rule: 'DenyAllInBound',
          kind: 'default',
          src: internet[day + 1]!,
          dst: '10.0.9.4',
          port: 22,
          action: 'deny',
        }),
      );
  }
  return rows;
}

function row(f: {
  time: string;
  format: string;
  rg: string;
  nsg: string;
  acl: string;
  rule: string;
  kind: string;
  src: string;
  dst: string;
  port: number;
  action: 'allow' | 'deny';
}): FlowRow {
  return {
    time: f.time.replace('T', ' ').replace('Z', ''),
    format: f.format,
    subscription_id: SUB.toUpperCase(),
    resource_group: f.rg,
    nsg: f.nsg,
    acl_id: f.acl,
    rule: `${f.kind === 'user' ? 'UserRule_' : 'DefaultRule_'}${f.rule}`,
    rule_name: f.rule,
    rule_kind: f.kind,
    src_ip: f.src,
    dst_ip: f.dst,
    src_port: 40000 + (f.port % 1000),
    dst_port: f.port,
    protocol: 6,
    direction: 'inbound',
    action: f.action,
    state: f.action === 'deny' ? 'deny' : 'begin',
    remote_is_public: isPublicIpText(f.src),
  };
}
