import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { type Db, openDb } from '../../core/clickhouse/client.js';
import { AzureBlobWriter, type FlowLogStream } from '../harness/azure-blob-writer.js';
import { waitFor } from '../harness/batch-collector.js';
import { count } from '../harness/chdb.js';
import { REPO_ROOT } from '../harness/cli.js';
import { type ClickHouseDouble, spawnClickHouseDouble } from '../harness/clickhouse-server/process.js';

/**
 * `flowlens run --roles ingest` (real process, blob source on Azurite) while its ClickHouse server
 * (the HTTP test double) goes down and comes back: `/readyz` on the status port turns 503 while it
 * is down, appends keep arriving, and once it is back every tuple is stored exactly once.
 */
const STREAMS: FlowLogStream[] = [
  { kind: 'nsg', subscription: 'dddd-8888', resourceGroup: 'rg-o', name: 'nsg-outage' },
  { kind: 'vnet', subscription: 'dddd-8888', resourceGroup: 'rg-o', name: 'flowlog-outage' },
];
const DOWN_MS = 12_000;

let az: AzuriteHandle;
let double: ClickHouseDouble;
let db: Db;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  [az, double] = await Promise.all([startAzurite(), spawnClickHouseDouble()]);
  db = openDb({ kind: 'server', url: double.url });
  dir = mkdtempSync(join(tmpdir(), 'flowlens-outage-run-'));
});
afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await db?.close();
  await Promise.all([az?.stop(), double?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** A loopback port that was free a moment ago (the status server takes a fixed port). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('flowlens run through a ClickHouse outage (server mode)', () => {
  it('is not ready while down; afterwards every tuple is stored once', {
    timeout: 600_000,
  }, async () => {
    const configFile = join(dir, 'flowlens.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        sources: [
          {
            type: 'blob',
            name: 'outage',
            auth: { method: 'connection-string', connectionStringEnv: 'OUTAGE_AZ' },
            pollIntervalSeconds: 1,
            discoveryIntervalSeconds: 1,
            leases: { enabled: false },
          },
        ],
      }),
    );
    const statusPort = await freePort();
    const status = (path: string) => fetch(`http://127.0.0.1:${statusPort}${path}`).catch(() => undefined);
    const writer = new AzureBlobWriter(BlobServiceClient.fromConnectionString(az.connectionString));
    await writer.ensureContainers();
    let writing = true;
    const appends = (async () => {
      for (let i = 0; writing; i++) {
        await writer.append(STREAMS[i % STREAMS.length]!, '000D3A444444', Date.now(), {
          tuples: 1 + (i % 3),
        });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const run = ['run', '--roles', 'ingest', '--status-port', String(statusPort), '--config', configFile];
    child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'cli', 'main.ts'), ...run, '--clickhouse-url', double.url],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, OUTAGE_AZ: az.connectionString, FLOWLENS_DATABASE_RETENTION__RAW_DAYS: '0' },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<void>((r) => child!.once('exit', () => r()));
    // Before the child migrated there is no `flows` table yet.
    const rowsNow = () => count(db, 'flows').catch(() => 0);
    await waitFor(async () => (await rowsNow()) > 0, 120_000, 'rows arriving');
    expect((await status('/readyz'))?.status).toBe(200);

    await double.fault({ down: true });
    await waitFor(async () => (await status('/readyz'))?.status === 503, 60_000, 'not ready while down');
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await double.fault({ down: false });
    writing = false;
    await appends;

    await waitFor(async () => (await rowsNow()) >= writer.totalTuples, 240_000, 'caught up');
    await waitFor(async () => (await status('/readyz'))?.status === 200, 60_000, 'ready again');
    child.kill('SIGTERM');
    await exited;
    expect(child.exitCode).toBe(0);
    expect(await count(db, 'flows')).toBe(writer.totalTuples);
  });
});
