import { describe, expect, it } from 'vitest';
import { normalize } from '../ingest/normalizers/index.js';
import { nicHourBlob, nicHoursBlob } from './gen-nic-blobs.js';

const HOUR_MS = Date.UTC(2026, 0, 5, 10);

describe('nicHoursBlob (the small-blobs bench baseline)', () => {
  it('holds exactly the records of the first NICs’ hour blobs, in one blob', () => {
    const o = { hourMs: HOUR_MS, tuplesPerMinute: 12 };
    const { body, nics } = nicHoursBlob(250_000, o);
    expect(nics).toBeGreaterThan(1);
    expect(body.length).toBeGreaterThanOrEqual(250_000);
    const one = normalize(body, { source: 'bench' });
    const each = Array.from({ length: nics }, (_, nic) =>
      normalize(nicHourBlob({ ...o, nic }), { source: 'bench' }),
    );
    expect(one.rejects).toEqual([]);
    expect(one.records).toBe(60 * nics);
    expect(one.columns.length).toBe(each.reduce((n, r) => n + r.columns.length, 0));
    // Same tuples in the same order: the blob count is the only difference.
    const ports = (r: typeof one) => Array.from(r.columns.dstPort);
    expect(ports(one)).toEqual(each.flatMap(ports));
  });
});
