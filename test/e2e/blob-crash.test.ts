import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { openDb } from '../../core/clickhouse/client.js';
import { AzureBlobWriter, type FlowLogStream } from '../harness/azure-blob-writer.js';
import { waitFor } from '../harness/batch-collector.js';
import { coalesceInTests, configCoalesce, rollupMismatches, rollupTotals } from '../harness/crash-checks.js';
import { type FlowlensProcess, logsWith, startFlowlens } from '../harness/flowlens-process.js';

/**
 * Crash safety of `flowlens run` with a blob source: the real CLI in a child process is SIGKILLed
 * at random points while Azure-like appends keep arriving; after a final restart the `flows` row
 * count equals the tuples written, exactly, and the rollups count each row once. Coalesced inserts
 * are on unless FLOWLENS_TEST_COALESCE=0 (test/harness/crash-checks.ts). chDB allows one process per data directory, so the
 * test opens the database only after the last child has exited.
 */
const STREAMS: FlowLogStream[] = [
  { kind: 'nsg', subscription: 'ffff-6666', resourceGroup: 'rg-a', name: 'nsg-a' },
  { kind: 'vnet', subscription: 'ffff-6666', resourceGroup: 'rg-b', name: 'flowlog-b' },
];
const MACS = ['000D3A111111', '000D3A222222'];
const KILLS = 6;

let az: AzuriteHandle;
let dir: string;

beforeAll(async () => {
  az = await startAzurite();
  dir = mkdtempSync(join(tmpdir(), 'flowlens-crash-'));
});
afterAll(async () => {
  await az?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startRun(configFile: string): FlowlensProcess {
  return startFlowlens(
    [
      'run',
      '--roles',
      'ingest',
      '--status-port',
      '0',
      '--config',
      configFile,
      '--db',
      join(dir, 'db'),
      '--log-level',
      'debug',
    ],
    { env: { CRASH_AZ: az.connectionString }, logs: true },
  );
}

const polls = (c: FlowlensProcess) => logsWith(c, 'blob poll planned');

describe(`flowlens run with a blob source survives SIGKILL (coalescing ${coalesceInTests() ? 'on' : 'off'})`, () => {
  it(`row count equals tuples written after ${KILLS} kills and a final restart`, {
    timeout: 600_000,
  }, async () => {
    const configFile = join(dir, 'flowlens.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        sources: [
          {
            type: 'blob',
            name: 'crash',
            auth: { method: 'connection-string', connectionStringEnv: 'CRASH_AZ' },
            pollIntervalSeconds: 1,
            discoveryIntervalSeconds: 0,
            leases: { enabled: false },
          },
        ],
        ingest: { coalesce: configCoalesce() },
      }),
    );
    const writer = new AzureBlobWriter(BlobServiceClient.fromConnectionString(az.connectionString));
    await writer.ensureContainers();
    let writing = true;
    const appends = (async () => {
      for (let i = 0; writing; i++) {
        const s = STREAMS[i % STREAMS.length]!;
        const mac = MACS[Math.floor(i / STREAMS.length) % MACS.length]!;
        await writer.append(s, mac, Date.now(), { tuples: 1 + (i % 5) });
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    for (let k = 0; k < KILLS; k++) {
      const child = startRun(configFile);
      // Kill at a random point once the source is working (after its first poll).
      await waitFor(() => polls(child).length > 0, 120_000, `run #${k} polling`);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 2500)));
      child.proc.kill('SIGKILL');
      await child.exited;
    }
    writing = false;
    await appends;
    const final = startRun(configFile);
    // Caught up: a poll after the last append that found nothing new and nothing still in flight.
    const after = () => polls(final).filter((l) => l.blobs === 0 && l.inflight === 0);
    await waitFor(() => polls(final).length > 0, 120_000, 'final run polling');
    await waitFor(() => after().length >= 2, 120_000, 'final run caught up');
    final.proc.kill('SIGTERM');
    await final.exited;
    expect(final.proc.exitCode).toBe(0);

    const db = openDb({ kind: 'embedded', path: join(dir, 'db') });
    try {
      const rs = await db.client.query({ query: 'SELECT count() AS n FROM flows', format: 'JSONEachRow' });
      const [row] = await rs.json<{ n: number }>();
      expect(writer.totalTuples).toBeGreaterThan(100);
      expect(Number(row?.n)).toBe(writer.totalTuples);
      const total = writer.totalTuples;
      expect(await rollupTotals(db)).toEqual({ flows: total, minute: total, hour: total });
      expect(await rollupMismatches(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
