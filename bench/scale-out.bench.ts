import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite } from '../core/azurite.js';
import { openDb } from '../core/clickhouse/client.js';
import { blobPath, type FlowLogStream, NSG_CONTAINER } from '../test/harness/azure-blob-writer.js';
import { spawnClickHouseDouble } from '../test/harness/clickhouse-server/process.js';
import { startFlowlens, writeBlobSourceConfig } from '../test/harness/flowlens-process.js';
import { generateNsgV2Blob } from './gen-blob.js';
import { mdTable, parseFlags } from './util.js';

/**
 * `npm run bench -- scale-out [--roots 12] [--mb 2]`: rows/s of 1, 2 and 3 `flowlens run --roles
 * ingest` processes sharing one storage account (Azurite) through blob leases and writing to one
 * ClickHouse (the HTTP test double), server mode. Each round gets a fresh account and database with
 * the same backlog (`roots` NSG folders, one `mb` PT1H.json each, in the current hour: a first run
 * without `startTime` reads the current and previous hour) and is timed from the first stored
 * row to the last. Ratios to one process, measured in one run; on a machine with fewer free cores
 * than processes the ratio measures contention, not the design (say the load with the number).
 */
export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, { roots: 12, mb: 2 });
  const bodies = Array.from({ length: o.roots }, (_, i) =>
    generateNsgV2Blob({ targetBytes: o.mb * 1e6, seed: i + 1 }),
  );
  const results: { processes: number; rows: number; rowsPerS: number; load: string }[] = [];
  for (const processes of [1, 2, 3]) {
    results.push({ processes, ...(await round(processes, bodies)), load: loadavg()[0]!.toFixed(1) });
    process.stderr.write(`${processes} process(es): ${JSON.stringify(results.at(-1))}\n`);
  }
  const base = results[0]!.rowsPerS;
  console.log(
    mdTable(
      ['ingest processes', 'rows', 'rows/s', 'ratio to 1', 'load (1 min)'],
      results.map((r) => [
        String(r.processes),
        String(r.rows),
        r.rowsPerS.toFixed(0),
        (r.rowsPerS / base).toFixed(2),
        r.load,
      ]),
    ),
  );
}

async function round(processes: number, bodies: Buffer[]): Promise<{ rows: number; rowsPerS: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-scale-out-'));
  const [az, double] = await Promise.all([startAzurite(), spawnClickHouseDouble()]);
  const db = openDb({ kind: 'server', url: double.url });
  const started: ReturnType<typeof startFlowlens>[] = [];
  try {
    const container = BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient(
      NSG_CONTAINER,
    );
    await container.createIfNotExists();
    for (const [i, body] of bodies.entries()) {
      const stream: FlowLogStream = {
        kind: 'nsg',
        subscription: 'bench-0000',
        resourceGroup: 'rg',
        name: `nsg-${i}`,
      };
      await container
        .getBlockBlobClient(blobPath(stream, '000D3A000000', Date.now()))
        .upload(body, body.length);
    }
    const config = writeBlobSourceConfig(dir, {
      name: 'bench',
      connectionStringEnv: 'BENCH_AZ',
      leaseSeconds: 15,
    });
    for (let i = 0; i < processes; i++) {
      started.push(
        startFlowlens(
          [
            'run',
            '--roles',
            'ingest',
            '--status-port',
            '0',
            '--config',
            config,
            '--clickhouse-url',
            double.url,
          ],
          {
            env: { BENCH_AZ: az.connectionString, FLOWLENS_DATABASE_RETENTION__RAW_DAYS: '0' },
          },
        ),
      );
    }
    return await timeToStable(async () => {
      const rs = await db.client.query({ query: 'SELECT count() AS n FROM flows', format: 'JSONEachRow' });
      return Number((await rs.json<{ n: number }>())[0]?.n ?? 0);
    });
  } finally {
    await Promise.all(started.map((p) => p.stop()));
    await db.close();
    await Promise.all([az.stop(), double.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** From the first stored row until the count has not moved for 5 s (the backlog is drained). */
async function timeToStable(rows: () => Promise<number>): Promise<{ rows: number; rowsPerS: number }> {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const now = () => performance.now();
  let n = await rows().catch(() => 0);
  const deadline = now() + 300_000;
  while (n === 0) {
    if (now() > deadline) throw new Error('no row stored within 5 minutes');
    await sleep(200);
    n = await rows().catch(() => 0);
  }
  const t0 = now();
  const first = n;
  let last = n;
  let lastChange = now();
  while (now() - lastChange < 5000) {
    await sleep(250);
    n = await rows();
    if (n !== last) [last, lastChange] = [n, now()];
  }
  return { rows: last, rowsPerS: (last - first) / (Math.max(1, lastChange - t0) / 1000) };
}
