import { describe, expect, it } from 'vitest';
import { describeConfidence, narrowingConfidence, type PeerDays } from './confidence.js';

const days = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => `2026-10-${String(from + i).padStart(2, '0')}`);
const peers = (n: number, d: string[], prefix = '203.0.113.'): PeerDays[] =>
  Array.from({ length: n }, (_, i) => ({ peer: `${prefix}${i + 1}`, days: d }));

describe('narrowing confidence: distinct peers, days observed and churn', () => {
  it('many peers every day, none new late: high', () => {
    const c = narrowingConfidence(peers(25, days(21)), peers(25, days(9, 22)), 30);
    expect(c).toMatchObject({ level: 'high', distinctPeers: 25, daysObserved: 30, latePeers: 0, churn: 0 });
    expect(c.keepRemote).toBe(false);
  });

  it('the same peers seen on 2 of 30 days: low, whatever their number', () => {
    const c = narrowingConfidence(peers(25, days(2)), [], 30);
    expect(c).toMatchObject({ level: 'low', daysObserved: 2, windowDays: 30 });
  });

  it('fewer than 3 peers: low; 3–19 steady peers over most days: medium', () => {
    expect(narrowingConfidence(peers(2, days(30)), [], 30).level).toBe('low');
    expect(narrowingConfidence(peers(8, days(21)), peers(8, days(9, 22)), 30).level).toBe('medium');
  });

  it('new peers still arriving late (churn above 20 %): low, and the remote side is kept wide', () => {
    const early = peers(10, days(21));
    const late = [...peers(10, days(9, 22)), ...peers(5, days(3, 28), '198.51.100.')];
    const c = narrowingConfidence(early, late, 30);
    expect(c).toMatchObject({ level: 'low', latePeers: 5, keepRemote: true });
    expect(c.churn).toBeCloseTo(5 / 15, 5);
    expect(describeConfidence(c)).toBe(
      'low confidence (15 distinct peer(s) over 30 of 30 day(s); 5 first seen in the last part of the window)',
    );
    // one late newcomer among 25 is churn 4 %: not enough to keep the side wide
    const one = narrowingConfidence(peers(24, days(21)), peers(1, days(1, 29), '198.51.100.'), 30);
    expect(one).toMatchObject({ keepRemote: false, latePeers: 1 });
  });
});
