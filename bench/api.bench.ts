import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../core/clickhouse/client.js';
import { openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { REMOTE_ROLLUP } from '../core/clickhouse/migrations/0700_flows_remote.js';
import { REMOTE_DAILY } from '../core/clickhouse/migrations/0760_flows_remote_daily.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { generateFlows } from '../test/harness/api-seed.js';
import { insertCost, rowsRead } from './api-cost.js';
import { flowSearchSlices, peerTiers } from './api-peer.js';
import { benchApi } from './bench-api.js';
import { prepareEnrichment } from './ingest-enrich.js';
import { mdTable, median, parseFlags } from './util.js';

/**
 * Latency of the dashboards' API calls over embedded chDB with `--rows` flows (default 10 M) spread
 * over `--days` (default 30), generated server-side (`INSERT … SELECT … FROM numbers()`), so the
 * materialized views fill the minute and hour rollups as ingest would. Each endpoint runs through
 * the in-process app (routing, validation, SQL, JSON) `--runs` times after a warm-up; p50/p95 are
 * reported next to a full-scan `count()/sum()` baseline measured in the same run.
 * Targets: p95 ≤ 300 ms for overview/top-N over 24 h, ≤ 1 s over 30 days.
 *
 * The enrichment dimensions (country, AS, service tag, flow type) are looked up at query time in
 * dictionaries loaded with `--enrich-lines` ranges of each packaged IPv4 CSV (ingest-enrich.ts).
 *
 * Same run, for the peer rollups `flows_remote_1h` (migration 0700) and `flows_remote_1d` (0760):
 * the insert cost of their views (`--mv-rows` rows over `--mv-span-h` hours inserted with both, the
 * hourly one only and neither, rotating, before the data is seeded; api-cost.ts), and the peer-side top-N requests
 * answered from raw `flows`, from whole hours only and from days + hours (api/query/source.ts),
 * p50/p95 and rows read of each (api-peer.ts); then flow search pages read in newest-first slices
 * against one query over the window. Rows read (the engine's `read_rows` of the request's
 * queries, run once more) do not move with the machine's load; the times do.
 * The clock is pinned `--offset-min` minutes past the hour (default 17), so the windows have
 * partial hours and days at both ends, as real "now-24h" requests do.
 *
 * Usage: `npm run bench -- api [--rows 10000000] [--days 30] [--runs 20] [--enrich-lines 200000]
 * [--mv-rows 500000] [--mv-span-h 24] [--offset-min 17]`
 */
export async function run(args: string[]): Promise<void> {
  const opts = parseFlags(args, {
    rows: 10_000_000,
    days: 30,
    runs: 20,
    'enrich-lines': 200_000,
    'mv-rows': 500_000,
    'mv-span-h': 24,
    'offset-min': 17,
  });
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-api-'));
  const db = openDb({ kind: 'embedded', path: dir });
  try {
    await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    if (Number(opts['mv-rows']) > 0)
      console.log(await insertCost(db, Number(opts['mv-rows']), Number(opts['mv-span-h']) * 3600e3));
    const end = new Date(Math.floor(Date.now() / 3600e3) * 3600e3 + Number(opts['offset-min']) * 60e3);
    const spanMs = opts.days * 86400e3;
    const t0 = performance.now();
    const chunk = 1_000_000;
    for (let done = 0; done < opts.rows; done += chunk) {
      const count = Math.min(chunk, opts.rows - done);
      const from = new Date(end.getTime() - spanMs + (done / opts.rows) * spanMs);
      await generateFlows(db, { count, from, spanMs: (count / opts.rows) * spanMs });
    }
    const loadS = (performance.now() - t0) / 1000;
    const counts = await sizes(db);
    const prefixes = await prepareEnrichment(db, Number(opts['enrich-lines']));
    console.log(`enrichment: ${prefixes} ASN + country prefixes loaded`);
    console.log(
      `seeded ${counts.flows.toLocaleString()} flows over ${opts.days} days in ${loadS.toFixed(1)} s ` +
        `(${Math.round(counts.flows / loadS).toLocaleString()} rows/s incl. 3 rollup MVs); ` +
        `flows_1m ${counts.m.toLocaleString()} rows, flows_1h ${counts.h.toLocaleString()} rows, ` +
        `${REMOTE_ROLLUP} ${counts.r.toLocaleString()} rows, ${REMOTE_DAILY} ${counts.d.toLocaleString()} rows\n`,
    );
    const app = benchApi(db, end);
    const baseline = await time(opts.runs, async () => {
      const rs = await db.client.query({
        query: 'SELECT count(), sum(bytes_sent) FROM flows',
        format: 'JSONEachRow',
      });
      await rs.json();
    });
    const rows: string[][] = [];
    for (const [name, path] of ENDPOINTS) {
      const ms = await time(opts.runs, async () => {
        const res = await app.request(path);
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      });
      const read = await rowsRead(db, async () => app.request(path));
      const p95v = p95(ms);
      const target = path.includes('now-30d') ? 1000 : 300;
      rows.push([
        name,
        `\`${path.replace(/^\/api\//, '')}\``,
        median(ms).toFixed(0),
        p95v.toFixed(0),
        `${target}`,
        p95v <= target ? 'ok' : '**over**',
        (median(ms) / median(baseline)).toFixed(2),
        read.rows.toLocaleString(),
      ]);
    }
    console.log(
      mdTable(
        ['endpoint', 'request', 'p50 ms', 'p95 ms', 'target p95', '', '× full scan', 'rows read'],
        rows,
      ) +
        `\n\nbaseline: full scan count()+sum() over ${counts.flows.toLocaleString()} rows, p50 ${median(baseline).toFixed(0)} ms, p95 ${p95(baseline).toFixed(0)} ms`,
    );
    console.log(`\n${await peerTiers(db, end, opts.runs)}`);
    console.log(`\n${await flowSearchSlices(db, end, opts.runs)}`);
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (incl. chDB)`);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const D1 = 'from=now-24h&to=now';
const D30 = 'from=now-30d&to=now';
const PUBLIC_IN = encodeURIComponent(
  'direction = inbound AND remote_is_public = true AND dst_port IN (22, 3389)',
);
/** The exposure page's request (dashboards/src/pages/exposure.ts): allowed, its management ports. */
const EXPOSED_MGMT = encodeURIComponent(
  'direction = inbound AND remote_is_public = true AND ' +
    'dst_port IN (22, 23, 3389, 5985, 5986, 445, 135, 1433, 3306, 5432, 6379, 9200, 27017) AND action = allow',
);
/** The segmentation page's default request (dashboards/src/pages/segmentation.ts). */
const MATRIX = 'metric=flows&prefix=24&limit=400&filter=remote_is_public%20%3D%20false';

/** What the dashboards request, per page, over 24 h and 30 days. */
export const ENDPOINTS: [string, string][] = [
  ['overview series', `/api/traffic/series?${D1}&metric=bytes&split=action_direction`],
  ['overview series', `/api/traffic/series?${D30}&metric=bytes&split=action_direction`],
  ['top talkers', `/api/traffic/top?${D1}&dimension=local_ip&limit=10`],
  ['top talkers', `/api/traffic/top?${D30}&dimension=local_ip&limit=10`],
  ['top ports', `/api/traffic/top?${D1}&dimension=dst_port&limit=10`],
  ['top ports', `/api/traffic/top?${D30}&dimension=dst_port&limit=10`],
  ['top rules', `/api/traffic/top?${D30}&dimension=rule&limit=20`],
  ['rule hits series', `/api/traffic/series?${D30}&metric=flows&split=rule_name`],
  [
    'egress top remote',
    `/api/traffic/top?${D1}&dimension=remote_ip&limit=15&filter=${encodeURIComponent('direction = outbound AND remote_is_public = true')}`,
  ],
  [
    'egress top remote',
    `/api/traffic/top?${D30}&dimension=remote_ip&limit=15&filter=${encodeURIComponent('direction = outbound AND remote_is_public = true')}`,
  ],
  [
    'exposure conversations',
    `/api/traffic/top?${D1}&dimension=conversation&metric=flows&limit=1000&filter=${EXPOSED_MGMT}`,
  ],
  ['segmentation matrix', `/api/traffic/matrix?${D1}&${MATRIX}`],
  ['segmentation matrix 30 d', `/api/traffic/matrix?${D30}&${MATRIX}`],
  ['flow search page (raw)', `/api/flows?${D1}&limit=100`],
  ['flow search, filtered (raw)', `/api/flows?${D30}&limit=100&filter=${PUBLIC_IN}`],
  ['rules inventory hits', `/api/rules?${D30}`],
  ['ingest status (raw)', `/api/ingest/status?${D1}`],
  ['completion: top NSGs', `/api/filter/complete?field=nsg&${D1}`],
  ['top countries', `/api/traffic/top?${D1}&dimension=remote_country&limit=10`],
  ['top AS', `/api/traffic/top?${D1}&dimension=remote_asn&limit=10`],
  ['top service tags', `/api/traffic/top?${D1}&dimension=service_tag&limit=10`],
  ['flow types', `/api/traffic/top?${D1}&dimension=flow_type&limit=10`],
  ['top countries 30 d', `/api/traffic/top?${D30}&dimension=remote_country&limit=10`],
  ['top AS 30 d', `/api/traffic/top?${D30}&dimension=remote_asn&limit=10`],
  ['flow types 30 d', `/api/traffic/top?${D30}&dimension=flow_type&limit=10`],
  [
    'exposure conversations 30 d',
    `/api/traffic/top?${D30}&dimension=conversation&metric=flows&limit=1000&filter=${EXPOSED_MGMT}`,
  ],
];

export async function time(runs: number, fn: () => Promise<void>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

export function p95(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!;
}

async function sizes(db: Db): Promise<{ flows: number; m: number; h: number; r: number; d: number }> {
  const rs = await db.client.query({
    query:
      'SELECT (SELECT count() FROM flows) AS f, (SELECT count() FROM flows_1m) AS m, (SELECT count() FROM flows_1h) AS h, ' +
      `(SELECT count() FROM ${REMOTE_ROLLUP} FINAL) AS r, (SELECT count() FROM ${REMOTE_DAILY} FINAL) AS d`,
    format: 'JSONEachRow',
  });
  const [r] = await rs.json<{ f: number; m: number; h: number; r: number; d: number }>();
  return { flows: Number(r?.f), m: Number(r?.m), h: Number(r?.h), r: Number(r?.r), d: Number(r?.d) };
}
