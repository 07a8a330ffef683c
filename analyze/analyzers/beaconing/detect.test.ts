import { describe, expect, it } from 'vitest';
import { createRng } from '../../../simulator/random.js';
import { emptyContext } from '../../test-context.js';
import { BeaconingConfigSchema } from './config.js';
import { detectBeaconing } from './detect.js';
import type { BeaconRow } from './query.js';
import { regularity } from './regularity.js';

const config = BeaconingConfigSchema.parse({});
const T0 = Date.parse('2026-01-01T10:00:00Z');
const every = (n: number, gapMs: number, jitterMs = 0, seed = 1) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => T0 + i * gapMs + (jitterMs ? rng.int(-jitterMs, jitterMs) : 0));
};
const row = (starts: number[], over: Partial<BeaconRow> = {}): BeaconRow => ({
  ip: '10.0.2.4',
  remote: '91.92.109.23',
  port: 443,
  protocol: 6,
  connections: starts.length,
  starts,
  bytesOut: 1000 * starts.length,
  bytesIn: 1400 * starts.length,
  peers: 1,
  priorDays: 0,
  samples: [],
  ...over,
});

describe('regularity', () => {
  it('exact intervals are 100 % regular', () => {
    expect(regularity(every(20, 60_000), config)).toEqual({ typicalGapSeconds: 60, percent: 100, gaps: 19 });
  });
  it('tolerates jitter within max(2 s, 10 %)', () => {
    expect(regularity(every(30, 60_000, 1_000), config).percent).toBe(100);
  });
  it('random arrivals are irregular', () => {
    const rng = createRng(3);
    let t = T0;
    const starts = Array.from({ length: 40 }, () => (t += rng.int(5_000, 600_000)));
    expect(regularity(starts, config).percent).toBeLessThan(50);
  });
  it('gaps at or below minGapSeconds never match', () => {
    expect(regularity(every(20, 5_000), config).percent).toBe(0);
  });
});

describe('detectBeaconing', () => {
  it('flags a regular rare destination as medium with interval evidence', () => {
    const [f] = detectBeaconing([row(every(20, 60_000, 800))], config, emptyContext());
    expect(f).toMatchObject({
      severity: 'medium',
      subject: { ip: '10.0.2.4', remoteIp: '91.92.109.23', port: 443 },
    });
    expect(f!.evidence.intervalSeconds).toBeCloseTo(60, 0);
    expect(f!.firstSeen).toBe(new Date(row(every(20, 60_000, 800)).starts[0]!).toISOString());
  });
  it('fleet prevalence: 2 hosts is low, 3+ (agents, heartbeats) info; NTP is info; threat intel is high', () => {
    const sev = (over: Partial<BeaconRow>) =>
      detectBeaconing([row(every(20, 60_000), over)], config, emptyContext())[0]!.severity;
    expect(sev({ peers: 2 })).toBe('low');
    expect(sev({ peers: 5 })).toBe('info');
    expect(
      detectBeaconing([row(every(20, 60_000), { port: 123, protocol: 17 })], config, emptyContext())[0]!
        .severity,
    ).toBe('info');
    expect(
      detectBeaconing([row(every(20, 60_000), { peers: 9 })], config, emptyContext(['91.92.109.0/24']))[0]!
        .severity,
    ).toBe('high');
  });
  it('a rare destination the fleet already polled on earlier days (CI long-poll, cron) is low', () => {
    const [f] = detectBeaconing([row(every(20, 50_000), { priorDays: 3 })], config, emptyContext());
    expect(f).toMatchObject({ severity: 'low', evidence: { priorDays: 3 } });
  });
  it('irregular traffic is not a beacon', () => {
    const rng = createRng(9);
    let t = T0;
    const starts = Array.from({ length: 30 }, () => (t += rng.int(15_000, 900_000)));
    expect(detectBeaconing([row(starts)], config, emptyContext())).toEqual([]);
  });
});
