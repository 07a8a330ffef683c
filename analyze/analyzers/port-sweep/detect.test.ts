import { describe, expect, it } from 'vitest';
import { emptyContext } from '../../test-context.js';
import { detectPortSweep } from './detect.js';
import type { SweepBucketRow } from './query.js';

const bucket = (over: Partial<SweepBucketRow> = {}): SweepBucketRow => ({
  ip: '10.0.2.9',
  port: 445,
  protocol: 6,
  bucket: '2026-01-01T10:00:00Z',
  hosts: 30,
  flows: 30,
  bytes: 1800,
  allowed: 10,
  answered: 0,
  publicSource: 0,
  targetIps: ['10.0.1.1'],
  firstSeen: '2026-01-01T10:01:00.000Z',
  lastSeen: '2026-01-01T10:40:00.000Z',
  samples: [],
  ...over,
});

describe('port-sweep', () => {
  it('one finding per source over one port; internal sources are high', () => {
    const findings = detectPortSweep(
      [bucket(), bucket({ bucket: '2026-01-01T11:00:00Z', hosts: 40, targetIps: ['10.0.1.2'] })],
      emptyContext(),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'high',
      subject: { remoteIp: '10.0.2.9', port: 445, protocol: 6 },
    });
    expect(findings[0]!.evidence).toMatchObject({
      distinctPeers: 40,
      buckets: 2,
      flows: 60,
      distinctTargets: 2,
    });
  });

  it('a sweep over many ports is one finding with every port in the evidence', () => {
    const ports = Array.from({ length: 40 }, (_, i) => 1000 + i);
    const findings = detectPortSweep(
      ports.map((port) => bucket({ port })),
      emptyContext(),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]!.subject).toEqual({ remoteIp: '10.0.2.9' });
    expect(findings[0]!.evidence.ports).toEqual(ports);
    expect(findings[0]!.title).toContain('40 ports');
  });

  it('a public source whose probes were all unanswered is low', () => {
    const [f] = detectPortSweep([bucket({ ip: '198.51.100.3', publicSource: 1 })], emptyContext());
    expect(f!.severity).toBe('low');
  });
});
