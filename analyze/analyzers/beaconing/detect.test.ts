import { describe, expect, it } from 'vitest';
import { createRng } from '../../../simulator/random.js';
import { emptyContext } from '../../test-context.js';
import { BeaconingConfigSchema } from './config.js';
import { detectBeaconing } from './detect.js';
import type { BeaconRow } from './query.js';
import { byteVariation, regularity } from './regularity.js';

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
  sizes: starts.map(() => 2_400),
  bytesOut: 1000 * starts.length,
  bytesIn: 1400 * starts.length,
  peers: 1,
  priorDays: 0,
  samples: [],
  ...over,
});

describe('regularity', () => {
  it('exact intervals are 100 % regular', () => {
    expect(regularity(every(20, 60_000), config)).toEqual({
      typicalGapSeconds: 60,
      percent: 100,
      gaps: 19,
      dispersion: 0,
    });
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

/** A C2 sleep of `sleepMs` minus up to `jitter` of it (the common implant jitter), `n` check-ins. */
const jitteredSleep = (n: number, sleepMs: number, jitter: number, seed = 5) => {
  const rng = createRng(seed);
  let t = T0;
  return Array.from({ length: n }, () => (t += Math.round(sleepMs * (1 - jitter * rng.next()))));
};

describe('byte-size regularity', () => {
  it('coefficient of variation of bytes per connection; unknown below 3 counted connections', () => {
    expect(byteVariation([2_400, 2_400, 2_400, 0])).toBe(0);
    expect(byteVariation([1_000, 3_000, 1_000, 3_000])).toBeCloseTo(0.5, 5);
    expect(byteVariation([2_400, 0, 0, 2_400])).toBeNull();
  });

  it('a jittered sleep misses the 80 % share but keeps a low gap dispersion; random arrivals do not', () => {
    const r = regularity(jitteredSleep(40, 600_000, 0.3), config);
    expect(r.percent).toBeLessThan(config.beaconPercent);
    expect(r.dispersion).toBeLessThanOrEqual(config.maxGapDispersion);
    const rng = createRng(3);
    let t = T0;
    const random = Array.from({ length: 40 }, () => (t += rng.int(15_000, 900_000)));
    expect(regularity(random, config).dispersion).toBeGreaterThan(config.maxGapDispersion);
  });

  it('jittered-interval, fixed-size C2 is a medium beacon; the same rhythm with variable sizes is none', () => {
    const starts = jitteredSleep(40, 600_000, 0.3);
    const fixed = starts.map((_, i) => 2_900 + (i % 5) * 40);
    const [f] = detectBeaconing([row(starts, { sizes: fixed })], config, emptyContext());
    expect(f).toMatchObject({ severity: 'medium', evidence: { jittered: true, fixedSize: true } });
    expect(f!.evidence.byteCv as number).toBeLessThan(0.1);
    const rng = createRng(8);
    const variable = starts.map(() => rng.int(1_000, 60_000));
    expect(detectBeaconing([row(starts, { sizes: variable })], config, emptyContext())).toEqual([]);
  });

  it('variable-size polling on an exact period to a rare, new destination is low, not medium', () => {
    const rng = createRng(4);
    const starts = every(40, 300_000);
    const sizes = starts.map(() => rng.int(2_000, 250_000));
    const [f] = detectBeaconing([row(starts, { sizes })], config, emptyContext());
    expect(f).toMatchObject({ severity: 'low', evidence: { regularityPercent: 100, fixedSize: false } });
    expect(f!.evidence.byteCv as number).toBeGreaterThan(0.1);
    // unknown sizes (no counters, e.g. NSG v1) do not lower it
    const [g] = detectBeaconing([row(starts, { sizes: starts.map(() => 0) })], config, emptyContext());
    expect(g).toMatchObject({ severity: 'medium', evidence: { byteCv: null } });
  });
});
