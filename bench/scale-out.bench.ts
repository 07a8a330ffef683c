import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { startAzurite } from '../core/azurite.js';
import { openDb } from '../core/clickhouse/client.js';
import { blobPath, type FlowLogStream, NSG_CONTAINER } from '../test/harness/azure-blob-writer.js';
import { spawnClickHouseDouble } from '../test/harness/clickhouse-server/process.js';
import { freePort, startFlowlens, writeBlobSourceConfig } from '../test/harness/flowlens-process.js';
import { generateNsgV2Blob } from './gen-blob.js';
import { cpuMsOf, mdTable, parseFlags } from './util.js';

/**
 * `npm run bench -- scale-out [--roots 12] [--mb 2]`: rows/s of 1, 2 and 3 `flowlens run --roles
 * ingest` processes sharing one storage account (Azurite) through blob leases and writing to one
 * ClickHouse (the HTTP test double), server mode. Each round gets a fresh account and database; the
 * processes start, warm up and report ready (`/readyz`) before the backlog (`roots` NSG folders, one
 * `mb` PT1H.json each, generated before any timing) is uploaded, so start-up (tsx compiling the CLI,
 * a few CPU-s per process) is not charged to the rounds with more processes. Timed from the first
 * stored row to the last; ratios to one process, measured in one run.
 *
 * Wall-clock rows/s on one small shared machine measures contention: here the storage account
 * (Azurite) and the database (the double, chDB) run on the same cores as the ingest processes,
 * where a deployment has Azure Storage and a ClickHouse server elsewhere. So each round also reads
 * every process's CPU time (/proc) over the timed span: ingest CPU-s per million rows (flat from
 * 1 to 3 processes means leases and the shared database add no per-row overhead, so rows/s grows
 * with the cores the processes get) and the share of the CPU the bench's own stand-ins burn.
 */
export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, { roots: 12, mb: 2 });
  const bodies = Array.from({ length: o.roots }, (_, i) =>
    generateNsgV2Blob({ targetBytes: o.mb * 1e6, seed: i + 1 }),
  );
  const results: (Round & { processes: number; load: string })[] = [];
  for (const processes of [1, 2, 3]) {
    results.push({ processes, ...(await round(processes, bodies)), load: loadavg()[0]!.toFixed(1) });
    process.stderr.write(`${processes} process(es): ${JSON.stringify(results.at(-1))}\n`);
  }
  printRounds(results);
}

function printRounds(results: (Round & { processes: number; load: string })[]): void {
  const base = results[0]!;
  const perM = (ms: number, rows: number) => ((ms / 1000) * 1e6) / Math.max(1, rows);
  console.log(
    mdTable(
      [
        'ingest processes',
        'rows',
        'rows/s',
        'ratio to 1',
        'ingest CPU-s per M rows',
        'ratio to 1',
        'double CPU-s per M rows',
        'Azurite CPU-s per M rows',
        'load (1 min)',
      ],
      results.map((r) => [
        String(r.processes),
        String(r.rows),
        r.rowsPerS.toFixed(0),
        (r.rowsPerS / base.rowsPerS).toFixed(2),
        perM(r.cpuMs.ingest, r.rows).toFixed(2),
        (perM(r.cpuMs.ingest, r.rows) / perM(base.cpuMs.ingest, base.rows)).toFixed(2),
        perM(r.cpuMs.double, r.rows).toFixed(2),
        perM(r.cpuMs.azurite, r.rows).toFixed(2),
        r.load,
      ]),
    ),
  );
}

interface Round {
  rows: number;
  rowsPerS: number;
  /** CPU ms over the timed span: all ingest processes, the test double, Azurite. */
  cpuMs: { ingest: number; double: number; azurite: number };
}

async function round(processes: number, bodies: Buffer[]): Promise<Round> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-scale-out-'));
  const [az, double] = await Promise.all([startAzurite(), spawnClickHouseDouble()]);
  const db = openDb({ kind: 'server', url: double.url });
  const started: ReturnType<typeof startFlowlens>[] = [];
  try {
    const container = BlobServiceClient.fromConnectionString(az.connectionString).getContainerClient(
      NSG_CONTAINER,
    );
    await container.createIfNotExists();
    const config = writeBlobSourceConfig(dir, {
      name: 'bench',
      connectionStringEnv: 'BENCH_AZ',
      leaseSeconds: 15,
    });
    const ports = await Promise.all(Array.from({ length: processes }, () => freePort()));
    for (let i = 0; i < processes; i++) {
      started.push(
        startFlowlens(
          [
            'run',
            '--roles',
            'ingest',
            '--status-port',
            String(ports[i]),
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
    await Promise.all(ports.map((p) => ready(p)));
    await uploadBacklog(container, bodies);
    const cpu = () => ({
      ingest: started.reduce((ms, p) => ms + cpuMsOf(p.proc.pid ?? -1), 0),
      double: cpuMsOf(double.pid),
      azurite: cpuMsOf(az.pid),
    });
    const r = await timeToStable(async () => {
      const rs = await db.client.query({ query: 'SELECT count() AS n FROM flows', format: 'JSONEachRow' });
      return Number((await rs.json<{ n: number }>())[0]?.n ?? 0);
    }, cpu);
    return r;
  } finally {
    await Promise.all(started.map((p) => p.stop()));
    await db.close();
    await Promise.all([az.stop(), double.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One PT1H.json per NSG folder, in the current hour (a first run reads the current and previous hour). */
async function uploadBacklog(container: ContainerClient, bodies: Buffer[]): Promise<void> {
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
}

/** From the first stored row until the count has not moved for 5 s (the backlog is drained). */
async function timeToStable(rows: () => Promise<number>, cpu: () => Round['cpuMs']): Promise<Round> {
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
  const cpu0 = cpu();
  let cpuAtLast = cpu0;
  const first = n;
  let last = n;
  let lastChange = now();
  while (now() - lastChange < 5000) {
    await sleep(250);
    n = await rows();
    if (n !== last) [last, lastChange, cpuAtLast] = [n, now(), cpu()];
  }
  const used = (k: keyof Round['cpuMs']) => cpuAtLast[k] - cpu0[k];
  return {
    rows: last - first,
    rowsPerS: (last - first) / (Math.max(1, lastChange - t0) / 1000),
    cpuMs: { ingest: used('ingest'), double: used('double'), azurite: used('azurite') },
  };
}

/** Until the process's status server answers `/readyz` 200 (started, database reachable). */
async function ready(port: number): Promise<void> {
  const deadline = performance.now() + 600_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (performance.now() > deadline)
      throw new Error(`ingest process on status port ${port} not ready in 10 min`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
