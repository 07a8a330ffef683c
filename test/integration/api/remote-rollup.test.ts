import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFilter } from '../../../api/filter/parse.js';
import { ParamBag } from '../../../api/query/params.js';
import { fromSql, type Metric, type TableChoice } from '../../../api/query/source.js';
import type { TimeWindow } from '../../../api/query/time.js';
import type { DimensionName } from '../../../api/routes/traffic/dimensions.js';
import { timeSeries, topN } from '../../../api/routes/traffic/queries.js';
import { NetworkInventorySchema } from '../../../core/config/sections/enrich.js';
import { ASN_CSV, COUNTRY_CSV } from '../../../core/enrich/datasets.js';
import { ensureNetworks } from '../../../core/enrich/flow-type.js';
import { loadIntelList } from '../../../core/enrich/load.js';
import { loadRangeFiles } from '../../../core/enrich/ranges.js';
import { generateFlows, seedFlows } from '../../harness/api-seed.js';
import { openTestDb, rows, type TestDb } from '../../harness/chdb.js';

/**
 * Differential test of the peer rollups `flows_remote_1h` (migration 0700) and `flows_remote_1d`
 * (0760): the same top-N, series and matrix queries answered from the rollups (whole days from the
 * daily one, the partial days' hours from the hourly one, raw `flows` for the partial hours at the
 * window's ends) and from raw `flows` alone must give identical rows, for every remote-side
 * dimension, filters on the looked-up fields, aligned and unaligned windows.
 */
let db: TestDb;
const tmp = mkdtempSync(join(tmpdir(), 'flowlens-remote-rollup-'));
const START = new Date('2026-01-10T00:17:23.000Z');
const NOW = new Date('2026-01-14T00:00:00Z');
const RAW = (): TableChoice => ({ table: 'flows', resolution: 1 });

beforeAll(async () => {
  db = await openTestDb();
  // Peers: 198.51.100.0–198.51.119.x inbound, 93.184.216.0–93.184.217.43 outbound, 10.0.x locals.
  await generateFlows(db, { count: 30_000, from: START, spanMs: 3 * 86400e3 });
  await seedFlows(db, [
    {
      time: '2026-01-11 10:30:00.123',
      nsg: 'nsg-web',
      rule: 'UserRule_AllowWeb',
      src_ip: '2001:db8::7',
      dst_ip: '10.0.0.4',
      dst_port: 443,
      direction: 'inbound',
      action: 'allow',
      bytes_sent: 77,
    },
  ]);
  writeFileSync(
    join(tmp, 'asn.csv'),
    '93.184.216.0,93.184.217.255,15133,"Edgecast, Inc."\n198.51.100.0,198.51.109.255,64500,Example Net\n',
  );
  writeFileSync(
    join(tmp, 'country.csv'),
    '93.184.216.0,93.184.217.255,US\n198.51.100.0,198.51.109.255,NL\n198.51.110.0,198.51.119.255,DE\n',
  );
  const meta = { version: 't', source: 'file:t', dataDate: NOW, now: NOW };
  await loadRangeFiles(db.client, ASN_CSV, [join(tmp, 'asn.csv')], meta);
  await loadRangeFiles(db.client, COUNTRY_CSV, [join(tmp, 'country.csv')], meta);
  await loadIntelList(
    db.client,
    { name: 'firehol', prefixes: ['198.51.105.0/24', '93.184.217.0/24'], confidence: 70 },
    { source: 't', now: NOW },
  );
  await ensureNetworks(
    db.client,
    NetworkInventorySchema.parse({
      vnets: [
        { name: 'web', prefixes: ['10.0.0.0/24', '10.0.1.0/24'] },
        { name: 'data', prefixes: ['10.0.2.0/23'] },
      ],
      peerings: [['web', 'data']],
    }),
    () => NOW,
  );
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

const win = (from: string, to: string): TimeWindow => ({ from: new Date(from), to: new Date(to) });
const WINDOWS: [string, TimeWindow][] = [
  ['whole hours', win('2026-01-10T06:00:00Z', '2026-01-11T06:00:00Z')],
  ['unaligned ends', win('2026-01-10T05:12:07.250Z', '2026-01-12T03:44:59.999Z')],
  ['all data, 4 days', win('2026-01-10T00:00:00Z', '2026-01-14T00:00:00Z')],
  // Partial days and partial hours at both ends around two whole days.
  ['partial days both ends', win('2026-01-10T13:30:00.500Z', '2026-01-13T00:10:00Z')],
];
const DIMS: DimensionName[] = ['remote_ip', 'remote_country', 'remote_asn', 'service_tag', 'threat_list'];
const LOCAL_DIMS: DimensionName[] = ['dst_port'];
/**
 * What needs the local address stays on raw flows (the rollup does not carry it). Flow and
 * connection types read their public peers from the rollup: flow-type-top.test.ts covers them.
 */
const RAW_DIMS: DimensionName[] = ['conversation', 'src_ip', 'local_ip'];
const FILTERS = [
  '',
  'direction = outbound AND remote_is_public = true',
  'remote_country = NL AND action = deny',
  'threat_list = firehol OR remote_asn = 15133',
  'dst_port IN (22, 3389) AND direction = inbound AND action = allow AND protocol = tcp',
  'remote_ip << 198.51.110.0/23',
];

describe('flows_remote_1h answers as raw flows do', () => {
  for (const [wname, window] of WINDOWS) {
    it.each(FILTERS)(`top-N by every remote-side dimension, ${wname}, filter "%s"`, async (text) => {
      const filter = text ? parseFilter(text) : null;
      // Local-side dimensions read the remote rollup only when the filter is on the peer side.
      const peerFilter = /remote_(country|asn|ip)|threat/.test(text);
      for (const dimension of peerFilter ? [...DIMS, ...LOCAL_DIMS] : DIMS) {
        const metric: Metric = dimension.length % 2 ? 'bytes' : 'flows';
        const input = { window, filter, metric, dimension, limit: 1000 };
        const rollup = await topN(db, input);
        const raw = await topN(db, input, RAW);
        expect(rollup.source.table, dimension).toBe('flows_remote_1h');
        // Not every filter leaves a listed peer; every other dimension has rows to compare.
        if (dimension !== 'threat_list') expect(raw.rows.length, dimension).toBeGreaterThan(0);
        expect(rollup.rows, `${dimension} ${text}`).toEqual(raw.rows);
      }
      for (const dimension of RAW_DIMS) {
        const input = { window, filter, metric: 'flows' as const, dimension, limit: 5 };
        expect((await topN(db, input)).source.table, dimension).not.toBe('flows_remote_1h');
      }
    });
  }

  it('a window without a whole hour reads raw flows', async () => {
    const input = {
      window: win('2026-01-10T06:05:00Z', '2026-01-10T06:55:00Z'),
      filter: null,
      metric: 'flows' as const,
      dimension: 'remote_country' as const,
      limit: 10,
    };
    expect((await topN(db, input)).source.table).toBe('flows');
  });

  it('time series filtered on a looked-up field, hourly buckets', async () => {
    // Over 10 days buckets are hours or longer, so the rollup answers; the ends are unaligned.
    const window = win('2026-01-05T23:30:00Z', '2026-01-16T22:10:00Z');
    // The splits on its own columns; nsg, rule and local-address splits stay on raw flows.
    for (const split of ['none', 'action', 'direction', 'action_direction', 'dst_port'] as const) {
      const input = {
        window,
        filter: parseFilter('remote_country = DE OR remote_asn = 15133'),
        metric: 'bytes' as const,
        split,
      };
      const rollup = await timeSeries(db, input);
      expect(rollup.source.table).toBe('flows_remote_1h');
      const raw = await timeSeries(db, input, () => ({ table: 'flows', resolution: 1 }));
      expect(rollup.step).toBe(raw.step);
      expect(rollup.series, split).toEqual(raw.series);
    }
  });

  it('a series with daily buckets reads whole days from the daily rollup, and agrees', async () => {
    // 200 days: one-day buckets; the ends are unaligned (partial days and hours from finer tiers).
    const window = win('2025-08-01T10:20:00Z', '2026-02-17T07:45:30Z');
    for (const split of ['none', 'action_direction'] as const) {
      const input = {
        window,
        filter: parseFilter('remote_asn = 15133 OR direction = inbound'),
        metric: 'flows' as const,
        split,
      };
      const rollup = await timeSeries(db, input);
      expect(rollup.step).toBe(86400);
      const raw = await timeSeries(db, input, () => ({ table: 'flows', resolution: 1 }));
      expect(rollup.series, split).toEqual(raw.series);
      expect(rollup.series.length, split).toBeGreaterThan(0);
    }
  });

  it('reads the daily tier only for whole days, and never for sub-day buckets', () => {
    const sql = (w: TimeWindow, step?: number) => fromSql('flows_remote_1h', w, new ParamBag(), step);
    const days = win('2026-01-10T13:30:00Z', '2026-01-13T00:10:00Z');
    expect(sql(days)).toContain('FROM flows_remote_1d');
    expect(sql(days)).toContain('FROM flows_remote_1h');
    expect(sql(days, 86400)).toContain('FROM flows_remote_1d');
    expect(sql(days, 3 * 3600)).not.toContain('flows_remote_1d');
    // 24 hours past the hour hold no whole day: hours and raw edges only.
    expect(sql(win('2026-01-10T13:17:00Z', '2026-01-11T13:17:00Z'))).not.toContain('flows_remote_1d');
    // Whole days only: nothing from the hourly rollup or raw rows.
    const aligned = sql(win('2026-01-10T00:00:00Z', '2026-01-12T00:00:00Z'));
    expect(aligned).toContain('FROM flows_remote_1d');
    expect(aligned).not.toMatch(/FROM flows_remote_1h|FROM flows /);
  });

  it('a 24 h series keeps its 15-minute buckets (raw flows)', async () => {
    const window = win('2026-01-10T06:00:00Z', '2026-01-11T06:00:00Z');
    const r = await timeSeries(db, {
      window,
      filter: parseFilter('remote_country = NL'),
      metric: 'flows',
      split: 'none',
    });
    expect(r.source.table).toBe('flows');
    expect(r.step).toBe(900);
  });

  it('holds fewer rows than raw flows and the same totals', async () => {
    const [r] = await rows<{ rolled: number; flows: number; raw: number; bytes: number; rawBytes: number }>(
      db,
      'SELECT (SELECT count() FROM flows_remote_1h) AS rolled, (SELECT sum(flows) FROM flows_remote_1h) AS flows, ' +
        '(SELECT count() FROM flows) AS raw, (SELECT sum(bytes_sent) FROM flows_remote_1h) AS bytes, ' +
        '(SELECT sum(bytes_sent) FROM flows) AS rawBytes',
    );
    expect(Number(r!.flows)).toBe(Number(r!.raw));
    expect(Number(r!.bytes)).toBe(Number(r!.rawBytes));
    expect(Number(r!.rolled)).toBeLessThan(Number(r!.raw));
  });
});
