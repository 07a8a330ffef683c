import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi } from '../api/server.js';
import { openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { parseConfig } from '../core/config/load.js';
import { silentLogger } from '../core/logging.js';
import { createMetrics } from '../core/metrics.js';
import { generateFlows } from '../test/harness/api-seed.js';
import { type ClickHouseDouble, spawnClickHouseDouble } from '../test/harness/clickhouse-server/process.js';
import { mdTable, parseFlags } from './util.js';

/**
 * Peak RSS of `/api/flows/export` over embedded chDB (issue 15: bounded memory). Seeds `--rows`
 * flows (default 1 M) in the last day, serves them on loopback, and streams exports of growing size
 * over a real socket, sampling the process RSS every 20 ms. The client discards the bytes, so the
 * growth above idle is the server's (chDB included when embedded). Bar: peak within 100 MB of idle,
 * and not growing with the row count. `--db server` runs the same over the product's server path
 * against the ClickHouse HTTP test double (test/harness/clickhouse-server/, its own process, so the
 * measured RSS is flowlens alone).
 *
 * Usage: `npm run bench -- export [--rows 1000000] [--pageRows 10000] [--db embedded|server]`
 */
export async function run(args: string[]): Promise<void> {
  const opts = parseFlags(args, { rows: 1_000_000, pageRows: 10_000, db: 'embedded' });
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-export-'));
  const server: ClickHouseDouble | undefined =
    opts.db === 'server' ? await spawnClickHouseDouble() : undefined;
  const db = server ? openDb({ kind: 'server', url: server.url }) : openDb({ kind: 'embedded', path: dir });
  console.log(`database: ${opts.db}`);
  const controller = new AbortController();
  try {
    await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
    const end = new Date();
    for (let done = 0; done < opts.rows; done += 1_000_000) {
      const count = Math.min(1_000_000, opts.rows - done);
      const span = 86_000e3 / Math.ceil(opts.rows / 1_000_000);
      await generateFlows(db, {
        count,
        from: new Date(end.getTime() - 86_400e3 + (done / 1e6) * span),
        spanMs: span,
      });
    }
    const config = parseConfig({
      api: { exportMaxRows: opts.rows, exportPageRows: opts.pageRows, rateLimitPerMinute: 1_000_000 },
    });
    const api = await startApi(
      { db, config, logger: silentLogger(), metrics: createMetrics(), dashboardsDir: '/nonexistent' },
      controller.signal,
      { host: '127.0.0.1', port: 0 },
    );
    await exportOnce(api.url, 10_000, 'csv'); // warm-up: code paths, chDB caches
    const rows: string[][] = [];
    const sizes = [...new Set([Math.min(100_000, opts.rows), opts.rows])];
    for (const format of ['csv', 'ndjson'] as const) {
      for (const limit of sizes) {
        const idle = await settledRss();
        const r = await sampled(() => exportOnce(api.url, limit, format));
        rows.push([
          format,
          r.value.lines.toLocaleString(),
          (r.value.bytes / 1e6).toFixed(0),
          (idle / 1e6).toFixed(0),
          (r.peak / 1e6).toFixed(0),
          ((r.peak - idle) / 1e6).toFixed(0),
          (r.ms / 1000).toFixed(1),
        ]);
      }
    }
    console.log(
      mdTable(['format', 'rows', 'MB sent', 'idle RSS MB', 'peak RSS MB', 'peak − idle MB', 's'], rows),
    );
    console.log(
      `\nload average at end: ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    await api.stop();
  } finally {
    controller.abort();
    await db.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function exportOnce(url: string, limit: number, format: 'csv' | 'ndjson') {
  const res = await fetch(`${url}/api/flows/export?from=now-2d&format=${format}&limit=${limit}&order=asc`);
  if (res.status !== 200 || !res.body) throw new Error(`export: HTTP ${res.status} ${await res.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines++;
  }
  return { bytes, lines: format === 'csv' ? lines - 1 : lines };
}

async function sampled<T>(fn: () => Promise<T>): Promise<{ value: T; peak: number; ms: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const t0 = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peak, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

/** RSS after a pause, so the last run's garbage does not count as idle. */
async function settledRss(): Promise<number> {
  await new Promise((r) => setTimeout(r, 1000));
  return process.memoryUsage.rss();
}
