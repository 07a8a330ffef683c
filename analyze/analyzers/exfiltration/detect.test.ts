import { describe, expect, it } from 'vitest';
import { emptyContext, windowOf } from '../../test-context.js';
import { ExfiltrationConfigSchema } from './config.js';
import { baselineOf, detectExfiltration, pairThreshold } from './detect.js';
import type { EgressHourRow } from './query.js';

const MiB = 1024 * 1024;
const config = ExfiltrationConfigSchema.parse({});
const T0 = Date.UTC(2026, 0, 1);
const iso = (h: number) => new Date(T0 + h * 3_600_000).toISOString();
const hour = (h: number, bytes: number, over: Partial<EgressHourRow> = {}): EgressHourRow => ({
  ip: '10.0.2.5',
  dest: `ip:${over.remote ?? '20.60.40.4'}`,
  remote: '20.60.40.4',
  remotes: 1,
  hour: iso(h),
  bytes,
  flows: 10,
  firstSeen: iso(h),
  lastSeen: iso(h),
  fleetFirst: iso(1),
  dataStart: iso(0),
  samples: [],
  ...over,
});
// Window: hours 48–72; the look-back starts at hour 0.
const window = windowOf(iso(48), iso(72));
const run = (rows: EgressHourRow[]) => detectExfiltration(rows, config, window, emptyContext());

describe('exfiltration per (host, destination)', () => {
  it('pair baseline and threshold = max(minBytes, mean + 3σ, 4 × largest earlier hour)', () => {
    const history = [hour(1, 8_000 * MiB), hour(25, 8_200 * MiB)];
    const b = baselineOf(history, T0 + 49 * 3_600_000, 168);
    expect(b).toMatchObject({ hours: 2, max: 8_200 * MiB });
    expect(pairThreshold(b, config)).toBe(4 * 8_200 * MiB);
  });

  it('a nightly backup to a known destination is not flagged, and does not hide a new destination', () => {
    const backup = [hour(1, 8_000 * MiB), hour(25, 8_200 * MiB), hour(49, 8_100 * MiB)];
    const leak = hour(62, 3_338 * MiB, { remote: '193.42.33.7', fleetFirst: iso(62) });
    const findings = run([...backup, leak]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: 'high',
      subject: { ip: '10.0.2.5', remoteIp: '193.42.33.7' },
      evidence: { kind: 'new-destination', peakHourBytes: 3_338 * MiB },
    });
  });

  it('low and slow: 40 MiB/h to one new destination for 20 h is high; 10 h is not enough', () => {
    const drip = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        hour(50 + i, 40 * MiB, { remote: '45.9.148.99', fleetFirst: iso(50) }),
      );
    const [f] = run(drip(20));
    expect(f).toMatchObject({ severity: 'high', evidence: { kind: 'low-and-slow', bytes: 800 * MiB } });
    expect(run(drip(10))).toEqual([]);
  });

  it('a destination first seen before the look-back covered 12 h is not "new"', () => {
    const early = hour(50, 900 * MiB, { remote: '20.60.152.36', fleetFirst: iso(5), dataStart: iso(0) });
    expect(run([hour(5, 900 * MiB, { remote: '20.60.152.36' }), early])).toEqual([]);
  });

  it('a known pair far above its own history is medium; new to the host but known to the fleet is low', () => {
    const [f] = run([hour(10, 100 * MiB), hour(30, 120 * MiB), hour(55, 2_000 * MiB)]);
    expect(f).toMatchObject({ severity: 'medium', evidence: { kind: 'above-pair-history' } });
    const [g] = run([hour(55, 300 * MiB)]);
    expect(g).toMatchObject({ severity: 'low', evidence: { kind: 'new-to-host' } });
  });

  it('critical from 10 GiB in an hour to a new destination', () => {
    const [f] = run([hour(60, 12 * 1024 * MiB, { remote: '5.188.86.12', fleetFirst: iso(60) })]);
    expect(f!.severity).toBe('critical');
  });

  it("a host's usual Storage tag is one destination weighed against its baseline, not 40 new addresses", () => {
    // Nightly backups to 40 addresses of one account's region; tonight's is 1.8× larger, new addresses.
    const storage = (h: number, bytes: number, remote: string) =>
      hour(h, bytes, { dest: 'tag:Storage.WestEurope', remote, remotes: 40, fleetFirst: iso(1) });
    const nights = [storage(1, 6_000 * MiB, '20.60.40.4'), storage(25, 6_500 * MiB, '20.60.41.9')];
    expect(run([...nights, storage(49, 11_000 * MiB, '20.60.44.200')])).toEqual([]);
    // Five times the largest earlier night is above the host's baseline: medium, and says why.
    const [f] = run([...nights, storage(49, 33_000 * MiB, '20.60.44.200')]);
    expect(f).toMatchObject({
      severity: 'medium',
      subject: { ip: '10.0.2.5', remoteIp: '20.60.44.200' },
      evidence: {
        kind: 'above-pair-history',
        destinationGroup: { kind: 'service-tag', name: 'Storage.WestEurope', addresses: 40 },
        distinctPeers: 40,
      },
    });
    expect(f!.title).toContain('Storage.WestEurope (20.60.44.200 and 39 more)');
    expect((f!.evidence.noiseCuts as string[])[0]).toMatch(
      /^destination-group: service-tag Storage\.WestEurope/,
    );
  });

  it('an upload to a new AS is a new destination; an address keeps its (ip, remoteIp) id', () => {
    const [f] = run([
      hour(60, 3_000 * MiB, { dest: 'asn:64500', remote: '5.188.86.12', fleetFirst: iso(60) }),
    ]);
    expect(f).toMatchObject({
      severity: 'high',
      evidence: {
        kind: 'new-destination',
        destinationGroup: { kind: 'asn', name: '64500' },
        noiseCuts: [expect.any(String)],
      },
    });
    const [g] = run([hour(60, 3_000 * MiB, { remote: '5.188.86.12', fleetFirst: iso(60) })]);
    expect(g!.evidence).toMatchObject({ destinationGroup: { kind: 'address' }, noiseCuts: [] });
    expect(g!.id).not.toBe(f!.id);
  });
});
