import { describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.js';
import type { StoredFinding } from '../core/findings/rows.js';
import { changeStatus } from '../core/findings/status.js';
import { mergeDetection } from './lifecycle.js';

const NOW = new Date('2026-01-02T00:00:00Z');
const finding = (over: Partial<Finding> = {}): Finding => ({
  id: 'f1',
  category: 'port-scan',
  severity: 'medium',
  title: 't',
  reason: 'r',
  firstSeen: '2026-01-01T10:00:00.000Z',
  lastSeen: '2026-01-01T10:05:00.000Z',
  subject: { ip: '10.0.0.1' },
  evidence: { flows: 5, sampleFlows: [] },
  status: 'open',
  ...over,
});
const stored = (over: Partial<StoredFinding> = {}, f: Partial<Finding> = {}): StoredFinding => ({
  finding: finding(f),
  detections: 1,
  statusBy: 'flowlens',
  statusReason: 'detected',
  statusAt: '2026-01-01T10:06:00.000Z',
  ...over,
});

describe('mergeDetection', () => {
  it('a new finding is stored once with a detected event and is an alert candidate', () => {
    const m = mergeDetection(undefined, finding(), NOW)!;
    expect(m.stored.detections).toBe(1);
    expect(m.events.map((e) => e.kind)).toEqual(['detected']);
    expect(m.notify).toBe(true);
  });

  it('the same detection again changes nothing', () => {
    expect(mergeDetection(stored(), finding(), NOW)).toBeNull();
  });

  it('new activity extends lastSeen, counts a detection, replaces evidence', () => {
    const m = mergeDetection(
      stored(),
      finding({ lastSeen: '2026-01-01T11:00:00.000Z', evidence: { flows: 9, sampleFlows: [] } }),
      NOW,
    )!;
    expect(m.stored.finding).toMatchObject({
      lastSeen: '2026-01-01T11:00:00.000Z',
      firstSeen: '2026-01-01T10:00:00.000Z',
    });
    expect(m.stored.finding.evidence.flows).toBe(9);
    expect(m.stored.detections).toBe(2);
    expect(m.events.map((e) => e.kind)).toEqual(['redetected']);
    expect(m.notify).toBe(true);
  });

  it('an older window widens firstSeen without replacing newer evidence', () => {
    const m = mergeDetection(
      stored(),
      finding({
        firstSeen: '2026-01-01T09:00:00.000Z',
        lastSeen: '2026-01-01T09:30:00.000Z',
        evidence: { flows: 1, sampleFlows: [] },
      }),
      NOW,
    )!;
    expect(m.stored.finding.firstSeen).toBe('2026-01-01T09:00:00.000Z');
    expect(m.stored.finding.evidence.flows).toBe(5);
    expect(m.notify).toBe(false);
  });

  it('acknowledged stays acknowledged on re-detection and is not alerted', () => {
    const m = mergeDetection(
      stored({ statusBy: 'alice' }, { status: 'acknowledged' }),
      finding({ lastSeen: '2026-01-01T12:00:00.000Z' }),
      NOW,
    )!;
    expect(m.stored.finding.status).toBe('acknowledged');
    expect(m.notify).toBe(false);
  });

  it('resolved reopens when activity continues after the resolution', () => {
    const prev = stored({ statusBy: 'bob', statusAt: '2026-01-01T10:30:00.000Z' }, { status: 'resolved' });
    expect(
      mergeDetection(prev, finding({ lastSeen: '2026-01-01T10:20:00.000Z' }), NOW)!.stored.finding.status,
    ).toBe('resolved');
    const m = mergeDetection(prev, finding({ lastSeen: '2026-01-01T11:00:00.000Z' }), NOW)!;
    expect(m.stored.finding.status).toBe('open');
    expect(m.events.map((e) => [e.kind, e.status, e.reason])).toEqual([
      ['redetected', 'open', 'r'],
      ['status', 'open', 'new activity after resolution'],
    ]);
    expect(m.notify).toBe(true);
  });

  it('config suppression suppresses, and its removal reopens', () => {
    const suppressed = finding({
      status: 'suppressed',
      evidence: { sampleFlows: [], suppression: { by: 'ops', reason: 'pentest' } },
    });
    const m = mergeDetection(stored(), suppressed, NOW)!;
    expect(m.stored).toMatchObject({
      statusBy: 'suppression:ops',
      statusReason: 'pentest',
      finding: { status: 'suppressed' },
    });
    const again = mergeDetection(m.stored, finding({ lastSeen: '2026-01-01T12:00:00.000Z' }), NOW)!;
    expect(again.stored.finding.status).toBe('open');
    const manual = stored({ statusBy: 'carol' }, { status: 'suppressed' });
    expect(
      mergeDetection(manual, finding({ lastSeen: '2026-01-01T12:00:00.000Z' }), NOW)!.stored.finding.status,
    ).toBe('suppressed');
  });

  it('an escalation alone is an alert candidate', () => {
    const m = mergeDetection(stored(), finding({ severity: 'high' }), NOW)!;
    expect(m.stored.finding.severity).toBe('high');
    expect(m.notify).toBe(true);
  });
});

describe('changeStatus', () => {
  it('records who, why and when', () => {
    const { stored: s, event } = changeStatus(stored(), 'acknowledged', 'alice', 'looking', NOW);
    expect(s).toMatchObject({
      statusBy: 'alice',
      statusReason: 'looking',
      statusAt: NOW.toISOString(),
      finding: { status: 'acknowledged' },
    });
    expect(event).toMatchObject({ kind: 'status', actor: 'alice', status: 'acknowledged' });
  });
});
