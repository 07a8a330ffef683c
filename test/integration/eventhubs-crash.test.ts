import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzuriteHandle, startAzurite } from '../../core/azurite.js';
import { openDb } from '../../core/clickhouse/client.js';
import { REPO_ROOT } from '../harness/cli.js';
import { coalesceInTests, rollupMismatches, rollupTotals } from '../harness/crash-checks.js';
import { connectorBody, waitUntil } from '../harness/eventhubs-messages.js';
import { type EventHubsTestDouble, startEventHubsTestDouble } from '../harness/eventhubs-server/server.js';

// SIGKILL a real consumer process (SDK + BlobCheckpointStore on Azurite + chDB) at arbitrary points
// while events flow from the real producer into the Event Hubs test double (not an emulator); after
// every restart the rows must still be exactly the tuples published: no loss, no duplicates, and the
// rollups count each once. Coalesced inserts are on unless FLOWLENS_TEST_COALESCE=0.
const RECORDS = 10;
const PARTITIONS = ['0', '1', '2', '3'];
let azurite: AzuriteHandle;
let double: EventHubsTestDouble;
let dir: string;

beforeAll(async () => {
  [azurite, double] = await Promise.all([startAzurite(), startEventHubsTestDouble({ hubs: { crash: 4 } })]);
  dir = mkdtempSync(join(tmpdir(), 'flowlens-eh-crash-'));
});
afterAll(async () => {
  await double?.stop();
  await azurite?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Child {
  proc: ChildProcess;
  rows: number;
  ready: Promise<void>;
  exited: Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnConsumer(killAfterWrites = 0): Child {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'test/harness/eventhubs-child.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        EH_DB_DIR: dir,
        EH_CONNECTION_STRING: double.connectionString('crash'),
        EH_STORAGE_CONNECTION_STRING: azurite.connectionString,
        EH_CONTAINER: 'cp-crash',
        EH_MAX_BATCH: '50',
        EH_KILL_AFTER_WRITES: String(killAfterWrites),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const child: Child = { proc, rows: 0, ready: Promise.resolve(), exited: Promise.resolve() };
  child.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
  child.ready = new Promise((resolve) => {
    let buf = '';
    proc.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') resolve();
        const m = /^rows (\d+)$/.exec(line);
        if (m) child.rows = Number(m[1]);
      }
    });
  });
  return child;
}

async function publishAll(messagesPerPartition: number): Promise<number> {
  const producer = new EventHubProducerClient(double.connectionString('crash'));
  let id = 0;
  try {
    for (let round = 0; round < messagesPerPartition / 5; round += 1) {
      for (const partitionId of PARTITIONS) {
        const batch = await producer.createBatch({ partitionId });
        for (let i = 0; i < 5; i += 1) batch.tryAdd({ body: Buffer.from(connectorBody(id++, RECORDS)) });
        await producer.sendBatch(batch);
      }
      await new Promise((r) => setTimeout(r, 700));
    }
  } finally {
    await producer.close();
  }
  return id;
}

let lastCheckpoints = '';

async function checkpointsAtEnd(): Promise<boolean> {
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
    'cp-crash',
  );
  const seen = new Map<string, number>();
  for await (const b of container.listBlobsFlat({ includeMetadata: true })) {
    const m = /\/checkpoint\/(\d+)$/.exec(b.name);
    if (m) seen.set(m[1]!, Number(b.metadata?.sequencenumber));
  }
  lastCheckpoints = PARTITIONS.map(
    (p) => `${p}: ${seen.get(p)} / ${double.partitionProperties(p, 'crash').lastSequenceNumber}`,
  ).join(', ');
  return PARTITIONS.every((p) => seen.get(p) === double.partitionProperties(p, 'crash').lastSequenceNumber);
}

describe(`Event Hubs source under SIGKILL (coalescing ${coalesceInTests() ? 'on' : 'off'})`, () => {
  it('keeps rows exact across repeated kills and restarts', async () => {
    const publishing = publishAll(200);
    const killPoints: number[] = [];
    for (let kill = 0; kill < 8; kill += 1) {
      // Even rounds: the process kills itself between a durable write and its checkpoint.
      const selfKill = kill % 2 === 0;
      const child = spawnConsumer(selfKill ? 1 + Math.floor(Math.random() * 8) : 0);
      await child.ready;
      if (selfKill) {
        // Bounded: with no events left to write it would never reach its kill point.
        const self = await Promise.race([child.exited.then(() => true), sleep(20_000).then(() => false)]);
        if (!self) child.proc.kill('SIGKILL');
        await child.exited;
        killPoints.push(self ? -1 : -2);
        continue;
      }
      // Kill once the consumer has made some progress plus a random extra delay.
      const before = child.rows;
      await waitUntil('progress', () => child.rows > before || child.proc.exitCode !== null, 90_000);
      const delay = 50 + Math.floor(Math.random() * 1500);
      killPoints.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      child.proc.kill('SIGKILL');
      await child.exited;
      expect(child.proc.signalCode).toBe('SIGKILL');
    }
    const published = await publishing;
    const last = spawnConsumer();
    await last.ready;
    // Generous: on a loaded shared box a restart waits out the dead owner's claims first.
    await waitUntil('all rows', () => last.rows >= published * RECORDS, 300_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${last.rows} of ${published * RECORDS} rows`);
    });
    await waitUntil('final checkpoints', checkpointsAtEnd, 60_000).catch((err: Error) => {
      throw new Error(`${err.message}: checkpoint / last sequence number ${lastCheckpoints}`);
    });
    last.proc.kill('SIGTERM');
    await last.exited;
    expect(last.proc.exitCode).toBe(0);

    const db = openDb({ kind: 'embedded', path: dir });
    try {
      const rs = await db.client.query({
        query: 'SELECT count() AS n, uniqExact(time, src_port) AS unique FROM flows',
        format: 'JSONEachRow',
      });
      const [r] = await rs.json<{ n: string; unique: string }>();
      expect({ n: Number(r!.n), unique: Number(r!.unique), kills: killPoints.length }).toEqual({
        n: published * RECORDS,
        unique: published * RECORDS,
        kills: 8,
      });
      const total = published * RECORDS;
      expect(await rollupTotals(db)).toEqual({ flows: total, minute: total, hour: total });
      expect(await rollupMismatches(db)).toEqual([]);
      // At least two of the kills hit the worst point (after a durable write, before its checkpoint).
      expect(killPoints.filter((k) => k === -1).length).toBeGreaterThanOrEqual(2);
    } finally {
      await db.close();
    }
  }, 600_000);
});
