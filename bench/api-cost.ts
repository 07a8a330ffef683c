import { z } from 'zod';
import type { Db } from '../core/clickhouse/client.js';
import { migration0700, REMOTE_ROLLUP } from '../core/clickhouse/migrations/0700_flows_remote.js';
import { migration0760, REMOTE_DAILY } from '../core/clickhouse/migrations/0760_flows_remote_daily.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { insertSettings } from '../ingest/sinks/clickhouse/block-writer.js';
import { generateFlows } from '../test/harness/api-seed.js';
import { FLOW_ROLLUPS } from '../test/harness/chdb.js';
import { median } from './util.js';

/**
 * Noise-free costs for the API bench: the rows a request's reads scan, and the insert cost of the
 * peer rollup views. Wall times on the shared 2-core machine move with the load; rows read do not.
 */

const Events = z.array(z.object({ event: z.string(), value: z.coerce.number() }));

async function selected(db: Db): Promise<{ rows: number; bytes: number }> {
  const rs = await db.client.query({
    query: "SELECT event, value FROM system.events WHERE event IN ('SelectedRows', 'SelectedBytes')",
    format: 'JSONEachRow',
  });
  const ev = new Map(Events.parse(await rs.json()).map((e) => [e.event, e.value]));
  return { rows: ev.get('SelectedRows') ?? 0, bytes: ev.get('SelectedBytes') ?? 0 };
}

/**
 * Rows and bytes the engine selected from tables (after index pruning) while `fn` ran: the delta of
 * the process-wide `SelectedRows`/`SelectedBytes` counters, less what reading them costs. chDB has
 * no `system.query_log`, and its Connection reports result rows, not rows read, as `read_rows`.
 * Exact only while nothing else queries the same engine (the bench runs one request at a time).
 */
export async function rowsRead(db: Db, fn: () => Promise<unknown>): Promise<{ rows: number; bytes: number }> {
  const a = await selected(db);
  const b = await selected(db);
  await fn();
  const c = await selected(db);
  return { rows: c.rows - b.rows - (b.rows - a.rows), bytes: c.bytes - b.bytes - (b.bytes - a.bytes) };
}

type Mode = 'both views' | 'hourly view only' | 'no peer view';
const ROUNDS = 5;

/**
 * Insert throughput of raw `flows` with both peer rollup views (0700 hourly, 0760 daily chained
 * on it), with the hourly one only, and with neither; 5 rounds of `rows` rows each, the order
 * rotating per round (`INSERT … SELECT` in the engine: no JS, so this is the views' cost against
 * the engine-only floor, an upper bound on their share of real ingest), spread over `spanMs`: the
 * flows per hour decide how much the hourly view reduces what the chained daily one groups again.
 * Throughput and this process's CPU per million rows (chDB runs in it), merges stopped meanwhile.
 * The tables are emptied after.
 */
export async function insertCost(db: Db, rows: number, spanMs: number): Promise<string> {
  const sinkLike = sinkSettings(db);
  const hourlyView = migration0700.up(DEFAULT_SCHEMA_OPTIONS)[1]!;
  const dailyView = migration0760.up(DEFAULT_SCHEMA_OPTIONS)[1]!;
  const rate: Record<Mode, number[]> = { 'both views': [], 'hourly view only': [], 'no peer view': [] };
  const cpu: Record<Mode, number[]> = { 'both views': [], 'hourly view only': [], 'no peer view': [] };
  const modes = Object.keys(rate) as Mode[];
  const from = new Date(Date.UTC(2020, 0, 1));
  // Merges stopped: the CPU measured is the inserts' (the views' work), not merges of earlier rounds.
  await db.client.command({ query: 'SYSTEM STOP MERGES' });
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of [...modes.slice(round % 3), ...modes.slice(0, round % 3)]) {
        if (mode !== 'both views') await db.client.command({ query: `DROP VIEW ${REMOTE_DAILY}_mv` });
        if (mode === 'no peer view') await db.client.command({ query: `DROP VIEW ${REMOTE_ROLLUP}_mv` });
        const t = performance.now();
        const c = process.cpuUsage();
        await generateFlows(sinkLike, { count: rows, from, spanMs });
        rate[mode].push(rows / ((performance.now() - t) / 1000));
        const used = process.cpuUsage(c);
        // CPU-s per million rows: the engine runs in this process, so this is its work, whatever the load.
        cpu[mode].push((used.user + used.system) / 1e6 / (rows / 1e6));
        if (mode === 'no peer view') await db.client.command({ query: hourlyView });
        if (mode !== 'both views') await db.client.command({ query: dailyView });
      }
    }
  } finally {
    // A failed round must not leave a view dropped, merges stopped or generated rows in any rollup.
    for (const view of [hourlyView, dailyView])
      await db.client.command({ query: view }).catch(() => undefined); // exists
    await db.client.command({ query: 'SYSTEM START MERGES' });
    for (const t of ['flows', ...FLOW_ROLLUPS]) await db.client.command({ query: `TRUNCATE TABLE ${t}` });
  }
  const [both, hourly, none] = modes.map((m) => median(rate[m]));
  const [cBoth, cHourly, cNone] = modes.map((m) => median(cpu[m]));
  const rs = (v: number) => `${Math.round(v).toLocaleString()} rows/s`;
  const cs = (v: number) => `${v.toFixed(2)} CPU-s/M rows`;
  return (
    `insert cost of the peer rollup views (${rows.toLocaleString()} rows over ${(spanMs / 3600e3).toFixed(1)} h ` +
    `× ${ROUNDS} rounds, the sink's view settings, merges stopped, median): ` +
    `${rs(none!)}, ${cs(cNone!)} without either; ${rs(hourly!)}, ${cs(cHourly!)} with ${REMOTE_ROLLUP}_mv ` +
    `(throughput ${(hourly! / none!).toFixed(2)}×, CPU ${(cHourly! / cNone!).toFixed(2)}×); ${rs(both!)}, ${cs(cBoth!)} ` +
    `with ${REMOTE_DAILY}_mv chained on it too (throughput ${(both! / hourly!).toFixed(2)}× of hourly only, ` +
    `CPU ${(cBoth! / cHourly!).toFixed(2)}×)`
  );
}

/** `db` whose commands run with the sink's insert settings (ingest/sinks/clickhouse/block-writer.ts `insertSettings`), without a token. */
function sinkSettings(db: Db): Db {
  const client = new Proxy(db.client, {
    get(target, prop, receiver) {
      if (prop !== 'command') return Reflect.get(target, prop, receiver);
      return (params: Parameters<typeof target.command>[0]) =>
        target.command({
          ...params,
          clickhouse_settings: { ...params.clickhouse_settings, ...insertSettings('') },
        });
    },
  });
  return { ...db, client, close: () => db.close() };
}
