import type { SeedFlow } from './api-seed.js';

/** "Now" for API tests: one hour after the scenario's last flow. */
export const SCENARIO_NOW = new Date('2026-01-10T13:00:00Z');

/** Start of the scenario hour in API tests. */
export const SCENARIO_START = new Date('2026-01-10T11:00:00Z');

/**
 * A small, fully known traffic picture (times 11:00–11:59 UTC on 2026-01-10):
 * - RDP from the internet allowed to 10.0.1.4 (exposure), 4 flows × 5000 bytes
 * - SSH probes from the internet denied at 10.0.1.5, 6 flows
 * - egress 10.0.2.10 → 93.184.216.34:443, 3 flows × 1 MB
 * - east-west 10.0.1.4 → 10.0.2.10:1433 allowed (2 flows × 2000 B), 10.0.2.10 → 10.0.3.7:445 denied (2)
 */
export const SCENARIO_FLOWS: SeedFlow[] = scenarioFlows(SCENARIO_START);

/** The scenario's flows in the hour starting at `start` (e2e tests place it in the last hour). */
export function scenarioFlows(start: Date): SeedFlow[] {
  const at = (minute: number) =>
    new Date(start.getTime() + minute * 60_000).toISOString().replace('T', ' ').replace('Z', '');
  return [
    ...[1, 5, 9, 13].map((m) => ({
      time: at(m),
      nsg: 'nsg-web',
      rule: 'UserRule_AllowRdp',
      src_ip: '198.51.100.7',
      dst_ip: '10.0.1.4',
      dst_port: 3389,
      direction: 'inbound' as const,
      action: 'allow' as const,
      bytes_sent: 5000,
      packets_sent: 20,
    })),
    ...[2, 3, 4, 20, 21, 22].map((m) => ({
      time: at(m),
      nsg: 'nsg-web',
      rule: 'DefaultRule_DenyAllInBound',
      src_ip: '203.0.113.9',
      dst_ip: '10.0.1.5',
      dst_port: 22,
      direction: 'inbound' as const,
      action: 'deny' as const,
    })),
    ...[30, 31, 32].map((m) => ({
      time: at(m),
      nsg: 'nsg-app',
      rule: 'DefaultRule_AllowInternetOutBound',
      src_ip: '10.0.2.10',
      dst_ip: '93.184.216.34',
      dst_port: 443,
      direction: 'outbound' as const,
      action: 'allow' as const,
      bytes_sent: 1_000_000,
      packets_sent: 700,
    })),
    ...[40, 41].map((m) => ({
      time: at(m),
      nsg: 'nsg-app',
      rule: 'UserRule_AllowSqlFromWeb',
      src_ip: '10.0.1.4',
      dst_ip: '10.0.2.10',
      dst_port: 1433,
      direction: 'inbound' as const,
      action: 'allow' as const,
      bytes_sent: 2000,
    })),
    ...[50, 51].map((m) => ({
      time: at(m),
      nsg: 'nsg-db',
      rule: 'DefaultRule_DenyAllInBound',
      src_ip: '10.0.2.10',
      dst_ip: '10.0.3.7',
      dst_port: 445,
      direction: 'inbound' as const,
      action: 'deny' as const,
    })),
  ];
}
