import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerter } from '../../analyze/alerts/dispatcher.js';
import { createChannels } from '../../analyze/alerts/factory.js';
import { linkIncidents } from '../../analyze/incidents.js';
import type { Db } from '../../core/clickhouse/client.js';
import { AlertsConfigSchema } from '../../core/config/sections/alerts.js';
import { type Finding, FindingSchema } from '../../core/finding.js';
import { openTestDb } from '../harness/chdb.js';
import { sampleFinding } from '../harness/findings.js';
import { httpReceiver } from '../harness/receivers.js';

let db: Db & { dir: string };
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => db.close());

const host = { ip: '10.10.1.5', remoteIp: '45.155.205.233' };
const scan = sampleFinding({
  id: 'scan-a',
  category: 'port-scan',
  severity: 'medium',
  title: 'Port scan of 10.10.1.5',
  firstSeen: '2026-11-02T23:00:00.000Z',
  subject: host,
});
const brute = sampleFinding({ id: 'brute-a' });
const exposure = sampleFinding({
  id: 'exposure-a',
  category: 'exposed-management-port',
  severity: 'critical',
  title: 'RDP on 10.10.1.5 reachable from the internet',
  firstSeen: '2026-11-02T23:04:30.000Z',
  subject: { ip: '10.10.1.5', port: 3389 },
});
const lateral = sampleFinding({
  id: 'lateral-a',
  category: 'lateral-movement',
  severity: 'high',
  title: 'New RDP from 45.155.205.233 to 10.10.1.5',
  firstSeen: '2026-11-03T01:00:00.000Z',
  lastSeen: '2026-11-03T01:05:00.000Z',
  subject: { ...host, port: 3389 },
});

describe('alerts per incident (chDB state, loopback receivers)', () => {
  it('sends one alert listing the parts of an incident, then an update for a later part', async () => {
    const hook = await httpReceiver();
    const slack = await httpReceiver();
    const config = AlertsConfigSchema.parse({
      channels: [
        { type: 'webhook', name: 'hook', url: hook.url },
        { type: 'slack', name: 'slack', url: slack.url },
      ],
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      // an incident alert counts once against the limit, however many parts it lists
      maxPerMinute: 2,
    });
    let now = new Date('2026-11-02T23:10:00Z');
    const a = createAlerter({
      client: db.client,
      config,
      channels: createChannels(config),
      clock: () => now,
    });
    const lone = sampleFinding({ id: 'lone-a', category: 'exfiltration', subject: { ip: '10.10.2.2' } });
    const tick1 = linkIncidents([scan, brute, exposure, lone]);
    expect(await a.notify(tick1)).toEqual({ sent: 4, deduplicated: 0, rateLimited: 0, failed: 0 });
    expect(hook.requests).toHaveLength(2);
    const first = FindingSchema.parse(JSON.parse(hook.requests[0]!.body).finding);
    // the attack leads (receivers keyed on the finding keep working); the severity is the incident's
    expect(first).toMatchObject({ id: 'brute-a', category: 'brute-force', severity: 'critical' });
    expect(first.title).toMatch(/^Incident inc-[0-9a-f]{16} \(3 parts\): RDP brute force/);
    const incident = first.evidence.incident as Record<string, unknown>;
    expect(incident).toMatchObject({ update: false, new: ['scan-a', 'brute-a', 'exposure-a'] });
    expect(incident.parts).toEqual(['brute-a', 'exposure-a', 'scan-a']);
    expect(JSON.parse(hook.requests[1]!.body).finding.id).toBe('lone-a');
    const slackText = JSON.stringify(JSON.parse(slack.requests[0]!.body).blocks);
    for (const f of [scan, brute, exposure]) expect(slackText).toContain(f.id);

    // hours later a new part joins the same incident (same id: it keeps its earliest part)
    now = new Date('2026-11-03T01:10:00Z');
    const tick2 = linkIncidents([scan, brute, exposure, lateral]);
    expect(incidentId(tick2[3]!)).toBe(incident.id);
    expect(await a.notify([tick2[3]!])).toMatchObject({ sent: 2, deduplicated: 0 });
    const update = FindingSchema.parse(JSON.parse(hook.requests[2]!.body).finding);
    expect(update.title).toMatch(/^Incident update inc-[0-9a-f]{16} \(4 parts\)/);
    expect(update.evidence.incident).toMatchObject({ id: incident.id, update: true, new: ['lateral-a'] });
    expect(update.reason).toContain('3 earlier part(s)');
    // the same parts again: deduplicated per part and channel, nothing sent
    expect(await a.notify(tick2)).toEqual({ sent: 0, deduplicated: 8, rateLimited: 0, failed: 0 });
    expect(hook.requests).toHaveLength(3);
    await a.close();
    await hook.close();
    await slack.close();
  });
});

function incidentId(f: Finding): unknown {
  return (f.evidence.incident as { id: string }).id;
}
