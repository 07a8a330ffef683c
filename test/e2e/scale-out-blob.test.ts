import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { type Db, openDb } from '../../core/clickhouse/client.js';
import { AzureBlobWriter, type FlowLogStream } from '../harness/azure-blob-writer.js';
import { waitFor } from '../harness/batch-collector.js';
import { count } from '../harness/chdb.js';
import { type ClickHouseDouble, spawnClickHouseDouble } from '../harness/clickhouse-server/process.js';
import { rollupMismatches } from '../harness/crash-checks.js';
import {
  type FlowlensProcess,
  freePort,
  keepAppending,
  logsWith,
  startFlowlens,
  writeBlobSourceConfig,
} from '../harness/flowlens-process.js';

/**
 * Scale-out in server mode, real OS processes, one ClickHouse (the HTTP test double) and one storage
 * account (Azurite): three `flowlens run --roles ingest` share the blobs through leases, one
 * `--roles analyze` stores findings, two `--roles api` answer. One ingest process is killed with
 * SIGKILL mid-stream while appends keep arriving; the other two take its roots over once its leases
 * expire, and the final row count equals the tuples written. The analyzer is restarted: the finding
 * it had stored is found again under the same id, once, and both API replicas list the same findings.
 * (Rows/s with 1, 2 and 3 ingest processes: `npm run bench -- scale-out`, not a timed test.)
 */
const STREAMS: FlowLogStream[] = Array.from({ length: 6 }, (_, i) => ({
  kind: i % 2 ? 'vnet' : 'nsg',
  subscription: 'eeee-7777',
  resourceGroup: `rg-${i}`,
  name: `scale-${i}`,
}));
const MAC = '000D3A333333';
const LEASE_SECONDS = 15;
// The VNet streams carry allowed inbound 443 from public addresses (azure-blob-writer.ts): with 443
// as a "management" port that is one exposed-management-port finding on 10.1.0.4. Other analyzers
// are off to keep the test light on two shared cores.
const ANALYZE = {
  analyze: {
    intervalSeconds: 5,
    analyzers: { 'exposed-management-port': { ports: [443] } },
    disabled: [
      'exfiltration',
      'port-scan',
      'port-sweep',
      'brute-force',
      'beaconing',
      'lateral-movement',
      'denied-required-flow',
      'unused-allow-rule',
      'overly-permissive-rule',
      'nsg-rule-hygiene',
      'malicious-ip',
      'paas-over-public-endpoint',
    ],
  },
};

let az: AzuriteHandle;
let double: ClickHouseDouble;
let db: Db;
let dir: string;
const started: FlowlensProcess[] = [];

beforeAll(async () => {
  [az, double] = await Promise.all([startAzurite(), spawnClickHouseDouble()]);
  db = openDb({ kind: 'server', url: double.url });
  dir = mkdtempSync(join(tmpdir(), 'flowlens-scale-'));
});
afterAll(async () => {
  await Promise.all(started.map((p) => p.stop('SIGKILL')));
  await db?.close();
  await Promise.all([az?.stop(), double?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function start(configFile: string, roles: string, extra: string[] = []): FlowlensProcess {
  const p = startFlowlens(
    [
      'run',
      '--roles',
      roles,
      '--config',
      configFile,
      '--clickhouse-url',
      double.url,
      '--log-level',
      'debug',
    ].concat(extra.length ? extra : ['--status-port', '0']),
    { env: { SCALE_AZ: az.connectionString, FLOWLENS_DATABASE_RETENTION__RAW_DAYS: '0' }, logs: true },
  );
  started.push(p);
  return p;
}

interface FindingItem {
  id: string;
  category: string;
}

async function findings(port: number): Promise<FindingItem[]> {
  const res = await fetch(`http://127.0.0.1:${port}/api/findings?limit=500`);
  if (res.status !== 200) throw new Error(`API on ${port}: HTTP ${res.status}`);
  return ((await res.json()) as { items: FindingItem[] }).items;
}

const ticksOf = (p: FlowlensProcess) => logsWith(p, 'analysis tick').length;

describe('ingest, analyze and API roles as separate processes (server mode)', () => {
  it('survive a SIGKILL of one ingest process and an analyzer restart: every tuple once, findings once', {
    timeout: 600_000,
  }, async () => {
    const configFile = writeBlobSourceConfig(
      dir,
      { name: 'scale', connectionStringEnv: 'SCALE_AZ', leaseSeconds: LEASE_SECONDS },
      ANALYZE,
    );
    const writer = new AzureBlobWriter(BlobServiceClient.fromConnectionString(az.connectionString));
    await writer.ensureContainers();
    const appends = keepAppending(writer, STREAMS, MAC, { intervalMs: 50, maxTuples: 4 });
    const ingest = [0, 1, 2].map(() => start(configFile, 'ingest'));
    await waitFor(
      () => ingest.every((x) => logsWith(x, 'blob poll planned').length > 0),
      240_000,
      'all polling',
    );
    let analyzer = start(configFile, 'analyze');
    const apiPorts = [await freePort(), await freePort()];
    const apis = apiPorts.map((port) => start(configFile, 'api', ['--port', String(port)]));
    await waitFor(async () => (await count(db, 'flows').catch(() => 0)) > 0, 120_000, 'rows arriving');
    await waitFor(
      async () =>
        (await findings(apiPorts[0]!).catch(() => [])).some((f) => f.category === 'exposed-management-port'),
      180_000,
      'the analyzer stored a finding',
    );
    const before = (await findings(apiPorts[0]!)).map((f) => f.id).sort();

    await ingest[0]!.stop('SIGKILL');
    await analyzer.stop();
    expect(analyzer.proc.exitCode).toBe(0);
    analyzer = start(configFile, 'analyze');
    // Appends go on for longer than a lease, so the killed process's roots must be taken over.
    await new Promise((r) => setTimeout(r, (LEASE_SECONDS + 5) * 1000));
    await appends.stop();
    await waitFor(
      async () => (await count(db, 'flows')) >= writer.totalTuples,
      240_000,
      'the survivors catch up',
    );
    const ticksAfterCatchUp = ticksOf(analyzer);
    await waitFor(() => ticksOf(analyzer) > ticksAfterCatchUp, 120_000, 'a tick over the last rows');

    await Promise.all([...ingest.slice(1), analyzer].map((p) => p.stop()));
    expect(ingest.slice(1).map((x) => x.proc.exitCode)).toEqual([0, 0]);
    expect(writer.totalTuples).toBeGreaterThan(100);
    expect(await count(db, 'flows')).toBe(writer.totalTuples);
    // Three processes migrated an empty database at once while the first was already writing:
    // every rollup still counts each stored row once (migration lock, core/clickhouse/migration-lock.ts).
    expect(await rollupMismatches(db)).toEqual([]);

    const [a, b] = await Promise.all(apiPorts.map((port) => findings(port)));
    const ids = a!.map((f) => f.id).sort();
    expect(ids).toEqual(b!.map((f) => f.id).sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(before));
    expect(a!.filter((f) => f.category === 'exposed-management-port').length).toBeGreaterThan(0);
    await Promise.all(apis.map((x) => x.stop()));
    expect(apis.map((x) => x.proc.exitCode)).toEqual([0, 0]);
  });
});
