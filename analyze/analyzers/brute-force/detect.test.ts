import { describe, expect, it } from 'vitest';
import { emptyContext } from '../../test-context.js';
import { BruteForceConfigSchema } from './config.js';
import { detectBruteForce } from './detect.js';
import type { BruteBucketRow } from './query.js';

const config = BruteForceConfigSchema.parse({});
const bucket = (over: Partial<BruteBucketRow> = {}): BruteBucketRow => ({
  ip: '45.155.205.233',
  target: '10.0.1.5',
  port: 3389,
  bucket: '2026-01-01T10:00:00Z',
  attempts: 30,
  denied: 0,
  flows: 60,
  bytes: 30 * 4_500,
  maxTupleBytes: 5_000,
  continued: 0,
  publicSource: 1,
  firstSeen: '2026-01-01T10:00:10.000Z',
  lastSeen: '2026-01-01T10:04:50.000Z',
  samples: [],
  ...over,
});

describe('brute-force', () => {
  it('many short connections are high, with target as ip and attacker as remoteIp', () => {
    const [f] = detectBruteForce([bucket()], config, emptyContext());
    expect(f).toMatchObject({
      severity: 'high',
      subject: { ip: '10.0.1.5', remoteIp: '45.155.205.233', port: 3389 },
    });
    expect(f!.evidence).toMatchObject({ attempts: 30, possibleSuccess: false });
  });

  it('long connections are not brute force (average bytes per attempt above the limit)', () => {
    expect(detectBruteForce([bucket({ bytes: 30 * 80_000 })], config, emptyContext())).toEqual([]);
  });

  it('a large or continuing session from the same source makes it critical', () => {
    expect(detectBruteForce([bucket({ continued: 1 })], config, emptyContext())[0]!.severity).toBe(
      'critical',
    );
    const later = bucket({
      bucket: '2026-01-01T10:05:00Z',
      attempts: 1,
      bytes: 3_000_000,
      maxTupleBytes: 3_000_000,
    });
    const [f] = detectBruteForce([bucket(), later], config, emptyContext());
    expect(f).toMatchObject({ severity: 'critical', evidence: { possibleSuccess: true, attempts: 30 } });
  });
});
