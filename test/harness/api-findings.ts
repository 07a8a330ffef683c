import { mergeDetection } from '../../analyze/lifecycle.js';
import type { Db } from '../../core/clickhouse/client.js';
import type { Finding } from '../../core/finding.js';
import { writeFindings } from '../../core/findings/store.js';

/** Stores findings the way an analysis run does (lifecycle merge → findings + finding_events). */
export async function seedFindings(
  db: Db,
  findings: readonly Finding[],
  now = new Date('2026-01-10T12:00:00Z'),
): Promise<void> {
  const merges = findings.flatMap((f) => {
    const m = mergeDetection(undefined, f, now);
    return m ? [m] : [];
  });
  await writeFindings(
    db.client,
    merges.map((m) => m.stored),
    merges.flatMap((m) => m.events),
    now,
  );
}

export const SCENARIO_FINDINGS: Finding[] = [
  {
    id: 'exposure:10.0.1.4:3389',
    category: 'exposure',
    severity: 'high',
    title: 'RDP (3389/tcp) on 10.0.1.4 reachable from the internet',
    reason: 'Allowed inbound flows from 1 public address to a management port.',
    firstSeen: '2026-01-10T11:01:00.000Z',
    lastSeen: '2026-01-10T11:13:00.000Z',
    subject: { ip: '10.0.1.4', port: 3389, protocol: 6, nsg: 'nsg-web', rule: 'AllowRdp' },
    evidence: { flows: 4, bytes: 20000, distinctPeers: 1, sampleFlows: [] },
    status: 'open',
  },
  {
    id: 'exfil:10.0.2.10:93.184.216.34',
    category: 'exfiltration',
    severity: 'medium',
    title: '10.0.2.10 sent 3 MB to a new public destination',
    reason: 'Outbound bytes well above the host baseline.',
    firstSeen: '2026-01-10T11:30:00.000Z',
    lastSeen: '2026-01-10T11:32:00.000Z',
    subject: { ip: '10.0.2.10', remoteIp: '93.184.216.34', port: 443 },
    evidence: { flows: 3, bytes: 3_000_000, sampleFlows: [] },
    status: 'open',
  },
  {
    id: 'scan:203.0.113.9',
    category: 'scan',
    severity: 'low',
    title: 'SSH probes from 203.0.113.9',
    reason: 'Denied inbound attempts.',
    firstSeen: '2026-01-10T11:02:00.000Z',
    lastSeen: '2026-01-10T11:22:00.000Z',
    subject: { remoteIp: '203.0.113.9', port: 22 },
    evidence: { flows: 6, sampleFlows: [] },
    status: 'open',
  },
];
