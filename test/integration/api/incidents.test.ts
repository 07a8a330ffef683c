import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIncidents } from '../../../analyze/incidents.js';
import type { IncidentDetail, IncidentList } from '../../../api/routes/incidents/routes.js';
import type { Db } from '../../../core/clickhouse/client.js';
import type { Finding } from '../../../core/finding.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { seedFindings } from '../../harness/api-findings.js';
import { openTestDb } from '../../harness/chdb.js';

let db: Db & { close(): Promise<void> };
let api: TestApi;

const part = (
  id: string,
  category: string,
  severity: Finding['severity'],
  subject: Finding['subject'],
  minute: number,
): Finding => ({
  id,
  category,
  severity,
  title: `${category} ${id}`,
  reason: `why ${id}`,
  firstSeen: new Date(Date.UTC(2026, 0, 10, 11, minute)).toISOString(),
  lastSeen: new Date(Date.UTC(2026, 0, 10, 11, minute + 5)).toISOString(),
  subject,
  evidence: { flows: 3, sampleFlows: [] },
  status: 'open',
});

// Two incidents and a lone finding, linked the way an analysis run links them.
const FINDINGS = linkIncidents([
  part('scan-1', 'port-scan', 'medium', { ip: '10.0.1.5', remoteIp: '45.1.1.1' }, 0),
  part('bf-1', 'brute-force', 'high', { ip: '10.0.1.5', remoteIp: '45.1.1.1', port: 22 }, 10),
  part('exp-1', 'exposed-management-port', 'medium', { ip: '10.0.1.5', port: 22 }, 5),
  part('lat-1', 'lateral-movement', 'low', { ip: '10.0.2.7', remoteIp: '10.0.1.9', port: 3389 }, 30),
  part('scan-2', 'port-scan', 'low', { ip: '10.0.2.7', remoteIp: '10.0.1.9' }, 20),
  part('lone-1', 'exfiltration', 'critical', { ip: '10.0.3.3', remoteIp: '93.184.216.34' }, 40),
]);
const incidentId = (id: string) =>
  (FINDINGS.find((f) => f.id === id)!.evidence.incident as { id: string }).id;

beforeAll(async () => {
  db = await openTestDb();
  await seedFindings(db, FINDINGS);
  api = testApi(db);
});
afterAll(async () => db.close());

async function json<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(status);
  return (await r.json()) as T;
}

describe('incidents API', () => {
  it('lists incidents with max severity, span, hosts, parts and categories; lone findings are not incidents', async () => {
    const list = await json<IncidentList>(api.get('/api/incidents'));
    expect(list.total).toBe(2);
    expect(list.items.map((i) => i.id)).toEqual([incidentId('lat-1'), incidentId('bf-1')]);
    expect(list.items[1]).toEqual({
      id: incidentId('scan-1'),
      title: 'port-scan → exposed-management-port → brute-force: 45.1.1.1 → 10.0.1.5',
      severity: 'high',
      status: 'open',
      firstSeen: '2026-01-10T11:00:00.000Z',
      lastSeen: '2026-01-10T11:15:00.000Z',
      hosts: ['10.0.1.5'],
      remotes: ['45.1.1.1'],
      parts: 3,
      categories: ['port-scan', 'exposed-management-port', 'brute-force'],
    });
    expect(list.items[0]).toMatchObject({ severity: 'low', parts: 2, hosts: ['10.0.2.7'] });
  });

  it('filters by severity and status, pages, and rejects unknown values', async () => {
    const high = await json<IncidentList>(api.get('/api/incidents?severity=high,critical'));
    expect(high.items.map((i) => i.parts)).toEqual([3]);
    const page = await json<IncidentList>(api.get('/api/incidents?limit=1&offset=1'));
    expect(page).toMatchObject({ total: 2, items: [{ id: incidentId('bf-1') }] });
    const bad = await json<{ error: { code: string } }>(api.get('/api/incidents?severity=urgent'), 400);
    expect(bad.error.code).toBe('invalid_request');
    expect((await json<IncidentList>(api.get('/api/incidents?status=resolved'))).total).toBe(0);
  });

  it('serves one incident with its parts in the order they began; an unknown id is 404', async () => {
    const d = await json<IncidentDetail>(api.get(`/api/incidents/${incidentId('bf-1')}`));
    expect(d.incident.parts).toBe(3);
    expect(d.parts.map((p) => [p.id, p.category, p.severity])).toEqual([
      ['scan-1', 'port-scan', 'medium'],
      ['exp-1', 'exposed-management-port', 'medium'],
      ['bf-1', 'brute-force', 'high'],
    ]);
    expect(d.parts[2]).toMatchObject({
      subject: { ip: '10.0.1.5', port: 22 },
      status: 'open',
      detections: 1,
    });
    await json(api.get('/api/incidents/inc-0000000000000000'), 404);
  });

  it('an incident is as active as its most active part', async () => {
    const lat = incidentId('lat-1');
    for (const id of ['lat-1', 'scan-2']) {
      await json(api.send('POST', `/api/findings/${id}/status`, { status: 'resolved', comment: 'fixed' }));
    }
    const resolved = await json<IncidentList>(api.get('/api/incidents?status=resolved'));
    expect(resolved.items.map((i) => i.id)).toEqual([lat]);
    const open = await json<IncidentList>(api.get('/api/incidents?status=open'));
    expect(open.items.map((i) => i.id)).toEqual([incidentId('bf-1')]);
  });
});
