import { parseFilter } from '../api/filter/parse.js';
import type { TableChoice } from '../api/query/source.js';
import type { TimeWindow } from '../api/query/time.js';
import { type FlowQuery, searchFlows } from '../api/routes/flows/queries.js';
import type { DimensionName } from '../api/routes/traffic/dimensions.js';
import { topN } from '../api/routes/traffic/queries.js';
import type { Db } from '../core/clickhouse/client.js';
import { PAGE_SLICING, type Slicing } from '../core/clickhouse/time.js';
import { p95, time } from './api.bench.js';
import { rowsRead } from './api-cost.js';
import { mdTable, median } from './util.js';

/** Peer-side and flow-search comparisons of the API bench (api.bench.ts), each in one run. */

const EGRESS = 'direction = outbound AND remote_is_public = true';
const EXPOSED =
  'direction = inbound AND remote_is_public = true AND dst_port IN (22, 3389) AND action = allow';
/** Peer-side top-N requests. */
const PEER_QUERIES: [string, DimensionName, string][] = [
  ['egress top remote', 'remote_ip', EGRESS],
  ['exposure sources', 'remote_ip', EXPOSED],
  ['top countries', 'remote_country', ''],
  ['top countries, inbound denied', 'remote_country', 'direction = inbound AND action = deny'],
  ['top AS', 'remote_asn', ''],
  ['top service tags', 'service_tag', ''],
  ['threat lists', 'threat_list', ''],
];

const RAW = (): TableChoice => ({ table: 'flows', resolution: 1 });
const HOURS = (): TableChoice => ({ table: 'flows_remote_1h', resolution: 3600, hoursOnly: true });

const WINDOWS = [
  ['24 h', 1],
  ['30 d', 30],
] as const;

/** `p50 / p95 ms (rows read)` of `run` against `db`. */
async function measure(db: Db, runs: number, run: (db: Db) => Promise<unknown>): Promise<string> {
  const ms = await time(runs, async () => {
    await run(db);
  });
  const read = await rowsRead(db, () => run(db));
  return `${median(ms).toFixed(0)} / ${p95(ms).toFixed(0)} (${read.rows.toLocaleString()})`;
}

/** Peer-side top-N from raw `flows`, from whole hours of `flows_remote_1h`, and as chosen (days + hours). */
export async function peerTiers(db: Db, end: Date, runs: number): Promise<string> {
  const rows: string[][] = [];
  for (const [label, days] of WINDOWS) {
    const window: TimeWindow = { from: new Date(end.getTime() - days * 86400e3), to: end };
    for (const [name, dimension, filter] of PEER_QUERIES) {
      const input = {
        window,
        filter: filter ? parseFilter(filter) : null,
        metric: 'bytes' as const,
        dimension,
      };
      const q = { ...input, limit: 15 };
      const chosen = (await topN(db, q)).source.table;
      rows.push([
        `${name} ${label}`,
        await measure(db, runs, (d) => topN(d, q, RAW)),
        await measure(db, runs, (d) => topN(d, q, HOURS)),
        `${await measure(db, runs, (d) => topN(d, q))} ${chosen}`,
      ]);
    }
  }
  return mdTable(
    [
      'peer-side top-N (same run), p50 / p95 ms (rows read)',
      'raw flows',
      'hours + raw edges (before 0760)',
      'chosen: days + hours + raw edges',
    ],
    rows,
  );
}

const SEARCHES: [string, number, string][] = [
  ['flow search page', 1, ''],
  ['flow search page', 30, ''],
  ['flow search, filtered', 1, 'direction = inbound AND remote_is_public = true AND dst_port IN (22, 3389)'],
  ['flow search, filtered', 30, 'direction = inbound AND remote_is_public = true AND dst_port IN (22, 3389)'],
  ['flow search, rare match', 30, 'dst_port = 8443 AND action = deny'],
];

/** A flow search page (100 rows, newest first) read in slices (PAGE_SLICING) and in one query. */
export async function flowSearchSlices(db: Db, end: Date, runs: number): Promise<string> {
  const rows: string[][] = [];
  for (const [name, days, filter] of SEARCHES) {
    const q: FlowQuery & { limit: number } = {
      window: { from: new Date(end.getTime() - days * 86400e3), to: end },
      filter: filter ? parseFilter(filter) : null,
      order: 'desc',
      limit: 100,
    };
    const whole: Slicing = { firstMs: days * 86400e3, growth: 2 };
    rows.push([
      `${name}, ${days} d${filter ? ` \`${filter}\`` : ''}`,
      await measure(db, runs, (d) => searchFlows(d, q, whole)),
      await measure(db, runs, (d) => searchFlows(d, q, PAGE_SLICING)),
    ]);
  }
  return mdTable(
    ['flow search (same run), p50 / p95 ms (rows read)', 'one query', 'newest-first slices'],
    rows,
  );
}
