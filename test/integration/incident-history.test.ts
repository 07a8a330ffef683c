import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkWithStored } from '../../analyze/incident-history.js';
import { listIncidents } from '../../api/routes/incidents/queries.js';
import type { Db } from '../../core/clickhouse/client.js';
import type { Finding } from '../../core/finding.js';
import { writeFindings } from '../../core/findings/store.js';
import { seedFindings } from '../harness/api-findings.js';
import { openTestDb } from '../harness/chdb.js';
import { sampleFinding } from '../harness/findings.js';

let db: Db & { close(): Promise<void> };
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const pair = { ip: '10.10.1.5', remoteIp: '45.155.205.233' };
const incidentOf = (f: Finding) => f.evidence.incident as { id: string; parts: string[] } | undefined;

describe('incidents across analysis windows (chDB)', () => {
  it('a part detected in a later window joins the incident of stored parts, which are written back', async () => {
    // window 1 stored a scan alone; one on another host and one long before the horizon stay out
    const scan = sampleFinding({
      id: 'h-scan',
      category: 'port-scan',
      severity: 'medium',
      firstSeen: '2026-11-02T20:00:00.000Z',
      lastSeen: '2026-11-02T20:05:00.000Z',
      subject: pair,
    });
    const other = sampleFinding({
      id: 'h-other',
      category: 'port-scan',
      subject: { ...pair, ip: '10.10.9.9' },
    });
    const old = sampleFinding({
      id: 'h-old',
      category: 'port-scan',
      firstSeen: '2026-09-01T00:00:00.000Z',
      lastSeen: '2026-09-01T00:05:00.000Z',
      subject: pair,
    });
    await seedFindings(db, [scan, other, old], new Date('2026-11-02T20:10:00Z'));
    // window 2 finds the brute force
    const brute = sampleFinding({ id: 'h-brute' });
    const { findings, restamped } = await linkWithStored(
      db.client,
      [brute],
      new Date('2026-11-02T23:00:00Z'),
    );
    const incident = incidentOf(findings[0]!);
    expect(incident?.parts).toEqual(['h-brute', 'h-scan']);
    expect(restamped.map((s) => s.finding.id)).toEqual(['h-scan']);
    expect(incidentOf(restamped[0]!.finding)).toEqual(incident);
    expect(restamped[0]!.finding.status).toBe('open');

    await seedFindings(db, findings, new Date('2026-11-02T23:10:00Z'));
    await writeFindings(db.client, restamped, [], new Date('2026-11-02T23:10:00Z'));
    const list = await listIncidents(db, { status: [], severity: [], limit: 10, offset: 0 });
    expect(list.items).toEqual([
      expect.objectContaining({ id: incident!.id, parts: 2, categories: ['port-scan', 'brute-force'] }),
    ]);

    // window 3: a lateral movement keeps the same incident id (it derives from the earliest part)
    const lateral = sampleFinding({
      id: 'h-lateral',
      category: 'lateral-movement',
      firstSeen: '2026-11-03T02:00:00.000Z',
      lastSeen: '2026-11-03T02:05:00.000Z',
      subject: pair,
    });
    const third = await linkWithStored(db.client, [lateral], new Date('2026-11-03T02:00:00Z'));
    expect(incidentOf(third.findings[0]!)).toEqual({
      id: incident!.id,
      parts: ['h-brute', 'h-lateral', 'h-scan'],
    });
    expect(third.restamped.map((s) => s.finding.id).sort()).toEqual(['h-brute', 'h-scan']);
  });

  it('findings outside the linked categories need no lookup and pass through', async () => {
    const exfil = sampleFinding({ id: 'h-exfil', category: 'exfiltration' });
    expect(await linkWithStored(db.client, [exfil], new Date('2026-11-02T23:00:00Z'))).toEqual({
      findings: [exfil],
      restamped: [],
    });
  });
});
