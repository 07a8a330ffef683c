import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventHubProducerClient } from '@azure/event-hubs';
import { startAzurite } from '../core/azurite.js';
import { type MessageMode, toMessages } from '../ingest/sources/kafka/messages.js';
import { spawnEventHubsTestDouble } from '../test/harness/eventhubs-server/process.js';
import type { EhChildResult, EhChildSpec } from './eventhubs-child.js';
import { generateNsgV2Blob } from './gen-blob.js';
import { cpuMsOf, mdTable, median, parseFlags, steadyRowsPerSecond } from './util.js';

/**
 * Event Hubs source throughput through the test double (not an emulator) as a ratio to the file
 * source on the same tuples in the same run (target ≥ 0.7×), plus peak RSS with a slowed sink.
 * Every ingest runs in its own process with its own chDB directory; the double runs in another
 * process whose CPU time is reported separately (its cost is real work on this 2-core machine).
 * The consumer runs with the config defaults a user gets (bench/eventhubs-child.ts).
 *
 * Two ratios: end to end (the Event Hubs run includes its start-up: AMQP connect, the SDK's first
 * load-balancing cycle through the checkpoint store, range-log claims, first receive), and steady
 * state (rows after the first acked batch over the time after it, for both sources).
 *
 * Usage: `npm run bench -- eventhubs [--mode record|connector] [--mb N] [--blobs N] [--runs 3]
 * [--slowMs 200]`. Defaults: record mode 100 MB in 20 MB blobs (events ≈ 330 KB, under the 1 MB
 * limit); connector mode 20 MB in 5 MB blobs (its events are ≈ 9× the bytes: ≈ 190 MB).
 */
export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, {
    mb: 0,
    blobs: 0,
    runs: 3,
    seed: 1,
    partitions: 4,
    mode: 'record',
    slowMs: 200,
  });
  if (!o.mb) o.mb = o.mode === 'connector' ? 20 : 100;
  // Record mode: 20 MB blobs, so the file source writes inserts as large as the Event Hubs ranges
  // (smaller blobs make its inserts, not Event Hubs, the slower side). Connector mode: 5 MB blobs,
  // so the 20 MB file run still has several batches and a measurable steady state.
  if (!o.blobs) o.blobs = Math.max(1, Math.round(o.mb / (o.mode === 'connector' ? 5 : 20)));
  const work = mkdtempSync(join(tmpdir(), 'flowlens-bench-eh-'));
  const files = Array.from({ length: o.blobs }, (_, i) => {
    const file = join(work, `PT1H-${i}.json`);
    writeFileSync(file, generateNsgV2Blob({ targetBytes: (o.mb * 1_000_000) / o.blobs, seed: o.seed + i }));
    return file;
  });
  const [azurite, double] = await Promise.all([
    startAzurite(),
    spawnEventHubsTestDouble({ bench: o.partitions }),
  ]);
  try {
    const published = await publish(
      double.connectionString('bench'),
      files,
      o.mode as MessageMode,
      o.partitions,
    );
    const base = (i: string): EhChildSpec => ({ kind: 'file', db: join(work, `db-${i}`) });
    const eh = (i: string, rows: number, slowMs = 0): EhChildSpec => ({
      kind: 'event-hubs',
      db: join(work, `db-${i}`),
      eventHubs: double.connectionString('bench'),
      storage: azurite.connectionString,
      container: `bench-${i}`,
      rows,
      slowMs,
    });
    const fileRuns: EhChildResult[] = [];
    const ehRuns: (EhChildResult & { doubleCpuMs: number })[] = [];
    for (let i = 0; i < o.runs; i += 1) {
      fileRuns.push(await child({ ...base(`f${i}`), paths: files }));
      const cpu0 = cpuMsOf(double.pid);
      const r = await child(eh(`e${i}`, fileRuns[0]!.rows));
      ehRuns.push({ ...r, doubleCpuMs: cpuMsOf(double.pid) - cpu0 });
    }
    const slow = await child(eh('slow', fileRuns[0]!.rows, o.slowMs));
    report(o, published, fileRuns, ehRuns, slow);
  } finally {
    await double.stop();
    await azurite.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Publishes the blobs' tuples as events round-robin over the partitions (not timed in the ratio). */
async function publish(cs: string, files: string[], mode: MessageMode, partitions: number) {
  const messages = files.flatMap((f) => toMessages(readFileSync(f), mode));
  const producer = new EventHubProducerClient(cs);
  const t0 = performance.now();
  try {
    for (let p = 0; p < partitions; p += 1) {
      let batch = await producer.createBatch({ partitionId: String(p) });
      for (let i = p; i < messages.length; i += partitions) {
        if (batch.tryAdd({ body: messages[i]! })) continue;
        await producer.sendBatch(batch);
        batch = await producer.createBatch({ partitionId: String(p) });
        if (!batch.tryAdd({ body: messages[i]! })) throw new Error('event larger than the batch limit');
      }
      if (batch.count > 0) await producer.sendBatch(batch);
    }
  } finally {
    await producer.close();
  }
  const bytes = messages.reduce((s, m) => s + m.length, 0);
  return { events: messages.length, bytes, ms: performance.now() - t0 };
}

function child(spec: EhChildSpec): Promise<EhChildResult> {
  const main = join(dirname(fileURLToPath(import.meta.url)), 'eventhubs-child.ts');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', main, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    p.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').pop()!) as EhChildResult)
        : reject(new Error(`child ${code}`)),
    );
  });
}

function report(
  o: { mb: number; blobs: number; runs: number; mode: string; partitions: number; slowMs: number },
  published: { events: number; bytes: number; ms: number },
  fileRuns: EhChildResult[],
  ehRuns: (EhChildResult & { doubleCpuMs: number })[],
  slow: EhChildResult,
): void {
  const rate = (r: EhChildResult) => r.rows / (r.ms / 1000);
  const steady = steadyRowsPerSecond;
  const fileRate = median(fileRuns.map(rate));
  const ehRate = median(ehRuns.map(rate));
  const mb = (b: number) => (b / 1048576).toFixed(0);
  const s1 = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(1)).join(' / ');
  console.log(
    `## Event Hubs source vs file source (${o.mb} MB NSG v2 in ${o.blobs} blobs, ${fileRuns[0]!.rows} tuples)\n`,
  );
  console.log(
    `Published as ${published.events} ${o.mode} events (${mb(published.bytes)} MB) over ${o.partitions} partitions in ${(published.ms / 1000).toFixed(1)} s (not in the ratio).\n`,
  );
  const row = (name: string, rs: EhChildResult[], double: string) => [
    name,
    median(rs.map(rate)).toFixed(0),
    median(rs.map(steady)).toFixed(0),
    s1(rs.map((r) => r.ms)),
    s1(rs.map((r) => r.firstMs)),
    s1(rs.map((r) => r.cpuMs)),
    double,
    rs.map((r) => mb(r.maxRss - r.idleRss)).join(' / '),
  ];
  console.log(
    mdTable(
      [
        'path',
        'rows/s (median)',
        'steady rows/s',
        'wall s per run',
        'first acked batch s',
        'consumer CPU s',
        'double CPU s',
        'peak RSS above idle MB',
      ],
      [
        row('file source', fileRuns, '–'),
        row('event hubs (double)', ehRuns, s1(ehRuns.map((r) => r.doubleCpuMs))),
        row(`event hubs, sink slowed ${o.slowMs} ms/write`, [slow], '–'),
      ],
    ),
  );
  const perCpu = (r: EhChildResult, extraMs = 0) => r.rows / ((r.cpuMs + extraMs) / 1000);
  const fileCpuRate = median(fileRuns.map((r) => perCpu(r)));
  const ehCpu = median(ehRuns.map((r) => perCpu(r)));
  const ehCpuAll = median(ehRuns.map((r) => perCpu(r, r.doubleCpuMs)));
  console.log(
    `rows per CPU second: file ${fileCpuRate.toFixed(0)}, event hubs consumer ${ehCpu.toFixed(0)} (${(ehCpu / fileCpuRate).toFixed(2)}×), consumer + double ${ehCpuAll.toFixed(0)} (${(ehCpuAll / fileCpuRate).toFixed(2)}×)`,
  );
  console.log(
    `backlog ${mb(published.bytes)} MB of events; load average ${loadavg()[0]!.toFixed(1)} at the end`,
  );
  const startup = median(ehRuns.map((r) => r.firstMs)) - median(fileRuns.map((r) => r.firstMs));
  console.log(
    `\n**ratio event hubs / file: ${(ehRate / fileRate).toFixed(2)}× end to end**, ` +
      `**${(median(ehRuns.map(steady)) / median(fileRuns.map(steady))).toFixed(2)}× steady state** (after each run's first acked batch; target ≥ 0.7×). ` +
      `Event Hubs start-up: first acked batch ${(median(ehRuns.map((r) => r.firstMs)) / 1000).toFixed(1)} s vs ${(median(fileRuns.map((r) => r.firstMs)) / 1000).toFixed(1)} s for the file source (+${(startup / 1000).toFixed(1)} s).`,
  );
}
