import { describe, expect, it } from 'vitest';
import { emptyContext, windowOf } from '../../test-context.js';
import { ExfiltrationConfigSchema } from './config.js';
import { baselineOf, detectExfiltration, scoreHour } from './detect.js';
import type { EgressHourRow } from './query.js';

const MiB = 1024 * 1024;
const config = ExfiltrationConfigSchema.parse({});
const hour = (h: number, bytes: number, over: Partial<EgressHourRow> = {}): EgressHourRow => {
  const t = new Date(Date.UTC(2026, 0, 1, h)).toISOString();
  return {
    ip: '10.0.2.5',
    hour: t,
    bytes,
    newBytes: 0,
    destinations: 3,
    newDestinations: 0,
    flows: 10,
    topDestinations: ['151.101.2.132'],
    firstSeen: t,
    lastSeen: t,
    samples: [],
    ...over,
  };
};
const history = Array.from({ length: 20 }, (_, h) => hour(h, (40 + (h % 5) * 10) * MiB));
const window = windowOf('2026-01-01T20:00:00Z', '2026-01-01T21:00:00Z');

describe('exfiltration baselines', () => {
  it('baseline = active hours in the look-back before the hour', () => {
    const b = baselineOf(history, Date.UTC(2026, 0, 1, 20), 168);
    expect(b.hours).toBe(20);
    expect(b.mean).toBeCloseTo(60 * MiB, -3);
    expect(b.max).toBe(80 * MiB);
    expect(baselineOf(history, Date.UTC(2026, 0, 1, 20), 5).hours).toBe(5);
  });

  it('threshold is the largest of minBytes, mean + 3σ and 4 × mean; new destinations weigh double', () => {
    const s = scoreHour(
      hour(20, 300 * MiB, { newBytes: 100 * MiB }),
      baselineOf(history, Date.UTC(2026, 0, 1, 20), 168),
      config,
    );
    expect(s.threshold).toBeCloseTo(240 * MiB, -3);
    expect(s.weighted).toBe(400 * MiB);
  });
});

describe('detectExfiltration', () => {
  it('a normal hour is not flagged; a burst to a new destination is high', () => {
    expect(detectExfiltration([...history, hour(20, 90 * MiB)], config, window, emptyContext())).toEqual([]);
    const burst = hour(20, 2_000 * MiB, {
      newBytes: 1_900 * MiB,
      newDestinations: 1,
      topDestinations: ['185.220.101.45'],
    });
    const [f] = detectExfiltration([...history, burst], config, window, emptyContext());
    expect(f).toMatchObject({ severity: 'high', subject: { ip: '10.0.2.5', remoteIp: '185.220.101.45' } });
    expect(f!.evidence).toMatchObject({ peakHourBytes: 2_000 * MiB, newDestinationBytes: 1_900 * MiB });
  });

  it('the same volume to known destinations is medium', () => {
    const [f] = detectExfiltration([...history, hour(20, 2_000 * MiB)], config, window, emptyContext());
    expect(f!.severity).toBe('medium');
  });

  it('without a baseline the finding is capped at low; hours before the window are only baseline', () => {
    const [f] = detectExfiltration(
      [hour(20, 500 * MiB, { newBytes: 500 * MiB })],
      config,
      window,
      emptyContext(),
    );
    expect(f!.severity).toBe('low');
    expect(
      detectExfiltration([hour(19, 5_000 * MiB), ...history.slice(0, 19)], config, window, emptyContext()),
    ).toEqual([]);
  });

  it('critical when mostly new destinations and above criticalBytes', () => {
    const huge = hour(20, 12 * 1024 * MiB, { newBytes: 12 * 1024 * MiB });
    expect(detectExfiltration([...history, huge], config, window, emptyContext())[0]!.severity).toBe(
      'critical',
    );
  });
});
