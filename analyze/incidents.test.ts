import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import { linkIncidents } from './incidents.js';

const finding = (id: string, category: string, subject: Finding['subject']): Finding => ({
  id,
  category,
  severity: 'high',
  title: id,
  reason: id,
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T01:00:00.000Z',
  subject,
  evidence: { flows: 1, sampleFlows: [] },
  status: 'open',
});

describe('linkIncidents', () => {
  it('links scan → brute force → exposure for the same host pair and port; others stay alone', () => {
    const out = linkIncidents([
      finding('a', 'port-scan', { ip: '10.0.1.5', remoteIp: '45.1.1.1' }),
      finding('b', 'brute-force', { ip: '10.0.1.5', remoteIp: '45.1.1.1', port: 22 }),
      finding('c', 'exposed-management-port', { ip: '10.0.1.5', port: 22 }),
      finding('d', 'exposed-management-port', { ip: '10.0.1.9', port: 3389 }),
      finding('e', 'port-scan', { ip: '10.0.1.5', remoteIp: '99.9.9.9' }),
    ]);
    const incident = out[0]!.evidence.incident as { id: string; parts: string[] };
    expect(incident.parts).toEqual(['a', 'b', 'c']);
    expect(incident.id).toMatch(/^inc-[0-9a-f]{16}$/);
    expect(out[1]!.evidence.incident).toEqual(incident);
    expect(out[2]!.evidence.incident).toEqual(incident);
    expect(out[3]!.evidence.incident).toBeUndefined();
    expect(out[4]!.evidence.incident).toBeUndefined();
    expect(out[0]!.evidence.flows).toBe(1);
  });

  it('keeps the incident id when a later part joins (it derives from the earliest part)', () => {
    const scan = finding('a', 'port-scan', { ip: '10.0.1.5', remoteIp: '45.1.1.1' });
    const brute = { ...finding('b', 'brute-force', { ip: '10.0.1.5', remoteIp: '45.1.1.1', port: 22 }) };
    const later = { ...finding('0', 'lateral-movement', { ip: '10.0.1.5', remoteIp: '45.1.1.1' }) };
    later.firstSeen = '2026-01-02T00:00:00.000Z';
    const before = linkIncidents([scan, brute])[0]!.evidence.incident as { id: string };
    const after = linkIncidents([scan, brute, later])[2]!.evidence.incident as {
      id: string;
      parts: string[];
    };
    expect(after.id).toBe(before.id);
    expect(after.parts).toEqual(['0', 'a', 'b']);
  });
});
