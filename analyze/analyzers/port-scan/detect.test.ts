import { describe, expect, it } from 'vitest';
import { emptyContext } from '../../test-context.js';
import { detectPortScan, scanSeverity } from './detect.js';
import type { ScanBucketRow } from './query.js';

const bucket = (over: Partial<ScanBucketRow> = {}): ScanBucketRow => ({
  ip: '198.51.100.77',
  target: '10.0.1.4',
  bucket: '2026-01-01T10:00:00Z',
  ports: 60,
  flows: 60,
  bytes: 3600,
  allowed: 0,
  answered: 0,
  publicSource: 1,
  portList: [1, 2, 3],
  firstSeen: '2026-01-01T10:00:10.000Z',
  lastSeen: '2026-01-01T10:04:00.000Z',
  samples: [],
  ...over,
});

describe('port-scan', () => {
  it('merges buckets of one (scanner, target) pair and keeps the peak bucket as evidence', () => {
    const findings = detectPortScan(
      [
        bucket(),
        bucket({
          bucket: '2026-01-01T10:05:00Z',
          ports: 90,
          firstSeen: '2026-01-01T10:05:00.000Z',
          lastSeen: '2026-01-01T10:07:00.000Z',
        }),
        bucket({ target: '10.0.1.5' }),
      ],
      emptyContext(),
    );
    expect(findings).toHaveLength(2);
    const f = findings.find((x) => x.subject.ip === '10.0.1.4')!;
    expect(f.subject).toEqual({ ip: '10.0.1.4', remoteIp: '198.51.100.77' });
    expect(f.evidence).toMatchObject({ flows: 120, distinctPorts: 90, buckets: 2 });
    expect([f.firstSeen, f.lastSeen]).toEqual(['2026-01-01T10:00:10.000Z', '2026-01-01T10:07:00.000Z']);
  });

  it.each([
    [false, 0, false, 'high'],
    [true, 0, false, 'low'],
    [true, 3, false, 'medium'],
    [true, 0, true, 'medium'],
    [false, 0, true, 'critical'],
  ] as const)('public=%s answered=%s intel=%s → %s', (isPublic, answered, intel, expected) => {
    expect(scanSeverity(isPublic, answered, intel)).toBe(expected);
  });

  it('uses threat intel on the scanner', () => {
    const [f] = detectPortScan([bucket()], emptyContext(['198.51.100.0/24']));
    expect(f!.severity).toBe('medium');
    expect(f!.evidence.threatIntel).toBe('198.51.100.0/24');
  });
});
