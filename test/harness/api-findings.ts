import type { Db } from '../../core/clickhouse/client.js';
import type { Finding } from '../../core/finding.js';

/**
 * Writes findings for API tests. Until the analyzers' `findings` migration is on this branch, the
 * table is created here with the columns the API reads (see api/routes/findings/store.ts).
 */
export async function seedFindings(db: Db, findings: readonly Finding[]): Promise<void> {
  await db.client.command({
    query: `CREATE TABLE IF NOT EXISTS findings (id String, category LowCardinality(String),
      severity LowCardinality(String), title String, reason String, first_seen DateTime64(3, 'UTC'),
      last_seen DateTime64(3, 'UTC'), subject String, evidence String, status LowCardinality(String),
      updated_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree(updated_at) ORDER BY id`,
  });
  await db.client.insert({
    table: 'findings',
    values: findings.map((f) => ({
      id: f.id,
      category: f.category,
      severity: f.severity,
      title: f.title,
      reason: f.reason,
      first_seen: f.firstSeen,
      last_seen: f.lastSeen,
      subject: JSON.stringify(f.subject),
      evidence: JSON.stringify(f.evidence),
      status: f.status,
    })),
    format: 'JSONEachRow',
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
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
