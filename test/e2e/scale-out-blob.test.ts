import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
 * Scale-out in server mode, real OS processes: three `flowlens run --roles ingest` share one
 * storage account (Azurite) through blob leases and write to one ClickHouse (the HTTP test
 * double). One is killed with SIGKILL mid-stream while appends keep arriving; the other two take
 * its roots over once its leases expire, and the final row count equals the tuples written.
 */
const STREAMS: FlowLogStream[] = Array.from({ length: 6 }, (_, i) => ({
  kind: i % 2 ? 'vnet' : 'nsg',
  subscription: 'eeee-7777',
  resourceGroup: `rg-${i}`,
  name: `scale-${i}`,
}));
const MAC = '000D3A333333';
const LEASE_SECONDS = 15;

let az: AzuriteHandle;
let double: ClickHouseDouble;
let db: Db;
let dir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  [az, double] = await Promise.all([startAzurite(), spawnClickHouseDouble()]);
  db = openDb({ kind: 'server', url: double.url });
  dir = mkdtempSync(join(tmpdir(), 'flowlens-scale-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await db?.close();
  await Promise.all([az?.stop(), double?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

interface Instance {
  proc: ChildProcess;
  polls: number;
  exited: Promise<void>;
}

function startIngest(configFile: string): Instance {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO_ROOT, 'cli', 'main.ts'),
      'run',
      '--roles',
      'ingest',
      '--status-port',
      '0',
    ].concat(['--config', configFile, '--clickhouse-url', double.url, '--log-level', 'debug']),
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        SCALE_AZ: az.connectionString,
        FLOWLENS_DATABASE_RETENTION__RAW_DAYS: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  children.push(proc);
  const instance: Instance = { proc, polls: 0, exited: new Promise((r) => proc.once('exit', () => r())) };
  proc.stderr?.on('data', (c: Buffer) => {
    instance.polls += c.toString().split('"blob poll planned"').length - 1;
  });
  return instance;
}

describe('three ingest processes on one storage account (server mode)', () => {
  it('survive a SIGKILL of one: the others take over and every tuple is stored once', {
    timeout: 600_000,
  }, async () => {
    const configFile = join(dir, 'flowlens.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        sources: [
          {
            type: 'blob',
            name: 'scale',
            auth: { method: 'connection-string', connectionStringEnv: 'SCALE_AZ' },
            pollIntervalSeconds: 1,
            discoveryIntervalSeconds: 2,
            leases: { enabled: true, durationSeconds: LEASE_SECONDS },
          },
        ],
      }),
    );
    const writer = new AzureBlobWriter(BlobServiceClient.fromConnectionString(az.connectionString));
    await writer.ensureContainers();
    let writing = true;
    const appends = (async () => {
      for (let i = 0; writing; i++) {
        await writer.append(STREAMS[i % STREAMS.length]!, MAC, Date.now(), { tuples: 1 + (i % 4) });
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const instances = [0, 1, 2].map(() => startIngest(configFile));
    await waitFor(() => instances.every((x) => x.polls > 0), 120_000, 'all three polling');
    await waitFor(async () => (await count(db, 'flows')) > 0, 120_000, 'rows arriving');
    instances[0]!.proc.kill('SIGKILL');
    await instances[0]!.exited;
    // Appends go on for longer than a lease, so the killed process's roots must be taken over.
    await new Promise((r) => setTimeout(r, (LEASE_SECONDS + 5) * 1000));
    writing = false;
    await appends;
    await waitFor(
      async () => (await count(db, 'flows')) >= writer.totalTuples,
      240_000,
      'the survivors catch up',
    );
    for (const x of instances.slice(1)) x.proc.kill('SIGTERM');
    await Promise.all(instances.slice(1).map((x) => x.exited));
    expect(instances.slice(1).map((x) => x.proc.exitCode)).toEqual([0, 0]);
    expect(writer.totalTuples).toBeGreaterThan(100);
    expect(await count(db, 'flows')).toBe(writer.totalTuples);
  });
});
