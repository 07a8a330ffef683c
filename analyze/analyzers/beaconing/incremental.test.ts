import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../../../test/harness/chdb.js';
import { at, type FlowSpec, insertFlows } from '../../../test/harness/flow-rows.js';
import { executeQuery } from '../../execute.js';
import { windowOf } from '../../test-context.js';
import { BeaconingConfigSchema } from './config.js';
import { beaconQuery } from './query.js';

const BASE = '2026-01-01T00:00:00Z';
const HOUR = 3600;
const DAY = 86_400;
let db: TestDb;

/** Twenty one-minute connections (B and E rows) from 10.0.2.4 to `dst` inside the span. */
function beacon(dst: string): FlowSpec[] {
  return Array.from({ length: 20 }, (_, i) => {
    const base = { src_ip: '10.0.2.4', dst_ip: dst, src_port: 40000 + i, direction: 'outbound' as const };
    const t = 3 * DAY + 20 * HOUR + i * 60; // Jan 4 20:00, inside the span
    return [
      { ...base, time: at(BASE, t), state: 'begin' as const },
      { ...base, time: at(BASE, t + 1), state: 'end' as const, bytes_sent: 900, bytes_received: 1200 },
    ];
  }).flat();
}
const contact = (seconds: number, dst: string, over: Partial<FlowSpec> = {}): FlowSpec => ({
  time: at(BASE, seconds),
  src_ip: '10.0.3.3',
  dst_ip: dst,
  direction: 'outbound',
  ...over,
});

// Span [Jan 5 12:30 − 24 h, Jan 5 12:30); history (2 days) [Jan 2 12:30, Jan 4 12:30).
const WINDOW = windowOf('2026-01-05T12:00:00Z', '2026-01-05T12:30:00Z');
const DESTS = ['91.92.109.1', '91.92.109.2', '91.92.109.3', '91.92.109.4', '91.92.109.5'];
const HISTORY: FlowSpec[] = [
  contact(DAY + 12 * HOUR + 600, DESTS[0]!), // Jan 2 12:10: before the history
  contact(DAY + 12 * HOUR + 2700, DESTS[1]!), // Jan 2 12:45: its first partial hour
  contact(3 * DAY + 12 * HOUR + 900, DESTS[2]!), // Jan 4 12:15: its last partial hour
  contact(DAY + 23 * HOUR, DESTS[3]!), // whole hours on two days; a denied contact counts
  contact(2 * DAY + 5 * HOUR, DESTS[3]!),
  contact(2 * DAY + 20 * HOUR, DESTS[3]!, { action: 'deny', state: 'deny' }),
  contact(3 * DAY + 12 * HOUR + 2400, DESTS[4]!), // Jan 4 12:40: inside the span, not history
];

async function incrementalAndRaw(historyDays: number) {
  const q = beaconQuery(BeaconingConfigSchema.parse({ historyDays }), WINDOW);
  const raw = {
    ...q,
    params: { ...q.params, firstHour: q.params.historyFrom, lastHour: q.params.historyFrom },
  };
  return { incremental: await executeQuery(db.client, q), raw: await executeQuery(db.client, raw) };
}
const priorDays = (rows: { remote: string; priorDays: number }[]) => rows.map((r) => [r.remote, r.priorDays]);

beforeAll(async () => {
  db = await openTestDb();
  await insertFlows(db, [...DESTS.flatMap(beacon), ...HISTORY]);
});
afterAll(() => db.close());

describe('beaconing reads its fleet history from flows_contact_1h (migration 0710)', () => {
  it('counts prior days exactly at both partial ends of the history, as over raw flows', async () => {
    const { incremental, raw } = await incrementalAndRaw(2);
    expect(priorDays(incremental)).toEqual([
      [DESTS[0], 0],
      [DESTS[1], 1],
      [DESTS[2], 1],
      [DESTS[3], 2],
      [DESTS[4], 0],
    ]);
    expect(incremental).toEqual(raw);
  });

  it.each([0, 1, 3, 7])('%i history day(s): the same rows as over raw flows', async (days) => {
    const { incremental, raw } = await incrementalAndRaw(days);
    expect(raw).toHaveLength(DESTS.length);
    expect(incremental).toEqual(raw);
  });

  it('counts the same with the raw history gone: only the span and the partial hours are read from flows', async () => {
    const before = await incrementalAndRaw(2);
    await db.client.command({
      query:
        "ALTER TABLE flows DELETE WHERE time >= '2026-01-02 13:00:00' AND time < '2026-01-04 12:00:00' " +
        'SETTINGS mutations_sync = 2',
    });
    const after = await incrementalAndRaw(2);
    expect(priorDays(after.raw)).not.toEqual(priorDays(before.raw));
    expect(after.incremental).toEqual(before.raw);
  });
});
