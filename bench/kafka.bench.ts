import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { type MessageMode, publishFiles } from '../ingest/sources/kafka/index.js';
import { startKafka } from '../test/harness/kafka.js';
import { generateNsgV2Blob } from './gen-blob.js';
import type { KafkaChildResult, KafkaChildSpec } from './kafka-child.js';
import { cpuMsOf, mdTable, median, parseFlags, steadyRowsPerSecond } from './util.js';

/**
 * Kafka → flows throughput as a ratio to the file source on the same data in the same run (target
 * ≥ 0.7×), and peak RSS with an artificially slowed sink (must stay bounded by `maxInFlightBytes`,
 * not grow with the backlog). Real single-node Kafka 4.x broker (test/harness/kafka.ts); every
 * ingest runs in its own process with its own chDB directory. Runs are interleaved; medians.
 *
 * Start-up is reported, not hidden: the end-to-end ratio includes the Kafka run's group join and
 * first fetch; the steady-state ratio compares rows after each run's first acked batch. The broker
 * (test/harness/kafka.ts) runs with `group.initial.rebalance.delay.ms=0` (production default 3000:
 * a new group's first join waits 3 s), and one throwaway group joins before the measured runs so
 * the broker's one-time creation of `__consumer_offsets` (≈ 0.4 s) does not land in run 0.
 *
 * Usage: `npm run bench -- kafka [--mb 100] [--blobs 10] [--partitions 4] [--mode record] [--runs 2]
 *   [--slow-ms 500] [--inflight-mb 8] [--range-mb 1] [--run-range-mb 0]` (`--run-range-mb`: range
 *   size of the measured runs, 0 = the config default; the other three shape the slow-sink run,
 *   which stops after a quarter of the rows: the backlog stays the whole topic).
 */
export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args, {
    mb: 100,
    blobs: 10,
    partitions: 4,
    mode: 'record',
    runs: 2,
    'slow-ms': 500,
    'inflight-mb': 8,
    'range-mb': 1,
    'run-range-mb': 0,
  });
  const work = mkdtempSync(join(tmpdir(), 'flowlens-bench-kafka-'));
  const broker = await startKafka();
  try {
    const paths = writeBlobs(join(work, 'logs'), o.blobs, (o.mb * 1_000_000) / o.blobs);
    await broker.createTopic('bench', o.partitions);
    const kafka = new Kafka({ clientId: 'bench', brokers: broker.brokers, logLevel: logLevel.ERROR });
    const { readInputs } = await import('../cli/commands/publish.js');
    const published = await publishFiles(kafka, readInputs(paths), {
      topic: 'bench',
      mode: o.mode as MessageMode,
    });
    await warmUpGroups(kafka);
    const child = (name: string, spec: Omit<KafkaChildSpec, 'db'>) =>
      runChild({ ...spec, db: join(work, `db-${name}`) });
    const file: KafkaChildResult[] = [];
    const viaKafka: (KafkaChildResult & { brokerCpuMs?: number })[] = [];
    let expectRows = 0;
    for (let i = 0; i < o.runs; i++) {
      const f = child(`file${i}`, {
        source: { kind: 'file', paths },
        expectRows: Number.MAX_SAFE_INTEGER,
        slowSinkMs: 0,
      });
      expectRows = f.rows;
      file.push(f);
      const kafkaSource = {
        kind: 'kafka' as const,
        brokers: broker.brokers,
        topic: 'bench',
        group: `g${i}`,
        maxInFlightMb: 64,
        rangeMb: o['run-range-mb'], // 0: the default range size
      };
      const cpu0 = cpuMsOf(broker.pid());
      const k = child(`kafka${i}`, { source: kafkaSource, expectRows, slowSinkMs: 0 });
      viaKafka.push({ ...k, brokerCpuMs: cpuMsOf(broker.pid()) - cpu0 });
    }
    const slowSource = {
      kind: 'kafka' as const,
      brokers: broker.brokers,
      topic: 'bench',
      group: 'slow',
      maxInFlightMb: o['inflight-mb'],
      rangeMb: o['range-mb'],
    };
    const slowRows = Math.floor(expectRows / 4);
    const slow = child('slow', { source: slowSource, expectRows: slowRows, slowSinkMs: o['slow-ms'] });
    report(o, published, file, viaKafka, slow);
  } finally {
    await broker.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

/** One throwaway group join: the broker creates `__consumer_offsets` on first use (once per cluster). */
async function warmUpGroups(kafka: Kafka): Promise<void> {
  const consumer = kafka.consumer({ groupId: 'bench-warm-up' });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: ['bench'] });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({ eachBatch: async () => undefined });
    await joined;
  } finally {
    await consumer.disconnect();
  }
}

function writeBlobs(dir: string, n: number, bytes: number): string[] {
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: n }, (_, i) => {
    const p = join(dir, `PT1H-${i}.json`);
    writeFileSync(p, generateNsgV2Blob({ targetBytes: bytes, seed: i + 1 }));
    return p;
  });
}

function runChild(spec: KafkaChildSpec): KafkaChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/kafka-child.ts', JSON.stringify(spec)], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as KafkaChildResult;
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
const rate = (r: KafkaChildResult) => r.rows / (r.ms / 1000);
const steady = steadyRowsPerSecond;

function report(
  o: Record<string, number | string>,
  published: { messages: number; bytes: number },
  file: KafkaChildResult[],
  viaKafka: (KafkaChildResult & { brokerCpuMs?: number })[],
  slow: KafkaChildResult,
): void {
  const fileRate = median(file.map(rate));
  const kafkaRate = median(viaKafka.map(rate));
  const steadyRatio = median(viaKafka.map(steady)) / median(file.map(steady));
  console.log(
    `## Kafka source vs file source (same ${o.mb} MB of NSG v2 in ${o.blobs} blobs, ${o.partitions} partitions)\n`,
  );
  console.log(
    `published ${published.messages} messages (${mb(published.bytes)} MB), mode \`${o.mode}\`, ${o.runs} interleaved runs\n`,
  );
  console.log(
    mdTable(
      [
        'path',
        'rows',
        'median s',
        'first batch s',
        'median rows/s',
        'steady rows/s',
        'peak RSS above idle MB',
      ],
      [
        [
          'file source',
          String(file[0]?.rows),
          median(file.map((r) => r.ms / 1000)).toFixed(1),
          median(file.map((r) => r.firstMs / 1000)).toFixed(1),
          fileRate.toFixed(0),
          median(file.map(steady)).toFixed(0),
          mb(median(file.map((r) => r.maxRss - r.idleRss))),
        ],
        [
          'kafka source',
          String(viaKafka[0]?.rows),
          median(viaKafka.map((r) => r.ms / 1000)).toFixed(1),
          median(viaKafka.map((r) => r.firstMs / 1000)).toFixed(1),
          kafkaRate.toFixed(0),
          median(viaKafka.map(steady)).toFixed(0),
          mb(median(viaKafka.map((r) => r.maxRss - r.idleRss))),
        ],
      ],
    ),
  );
  const perCpu = (r: KafkaChildResult, extraMs = 0) => r.rows / ((r.cpuMs + extraMs) / 1000);
  const fileCpu = median(file.map((r) => perCpu(r)));
  const kafkaCpu = median(viaKafka.map((r) => perCpu(r)));
  const withBroker = median(viaKafka.map((r) => perCpu(r, r.brokerCpuMs ?? 0)));
  const cpuS = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(1)).join(' / ');
  console.log(
    `\nCPU s per run: file ${cpuS(file.map((r) => r.cpuMs))}; kafka consumer ${cpuS(viaKafka.map((r) => r.cpuMs))}, broker (JVM) ${cpuS(viaKafka.map((r) => r.brokerCpuMs ?? 0))}. ` +
      `Rows per CPU second: file ${fileCpu.toFixed(0)}, kafka consumer ${kafkaCpu.toFixed(0)} (${(kafkaCpu / fileCpu).toFixed(2)}×), consumer + broker ${withBroker.toFixed(0)} (${(withBroker / fileCpu).toFixed(2)}×); load average ${loadavg()[0]!.toFixed(1)} at the end.`,
  );
  const firstKafka = median(viaKafka.map((r) => r.firstMs)) / 1000;
  const firstFile = median(file.map((r) => r.firstMs)) / 1000;
  console.log(
    `\n**throughput ratio kafka/file: ${(kafkaRate / fileRate).toFixed(2)}× end to end** (Kafka includes joining the group), ` +
      `**${steadyRatio.toFixed(2)}× steady state** (after each run's first acked batch; target ≥ 0.7×). ` +
      `Start-up: first acked batch ${firstKafka.toFixed(1)} s via Kafka vs ${firstFile.toFixed(1)} s from files ` +
      `(broker with group.initial.rebalance.delay.ms=0; a production broker adds 3 s to a new group's first join).\n`,
  );
  console.log(
    `## Slow sink (+${o['slow-ms']} ms per write, ${o['range-mb']} MB ranges, maxInFlightBytes ${o['inflight-mb']} MB, stopped after a quarter of the rows)\n`,
  );
  console.log(
    `rows ${slow.rows} in ${(slow.ms / 1000).toFixed(1)} s; source's peak in-flight **${mb(slow.peakInFlightBytes)} MB** ` +
      `(cap ${o['inflight-mb']} MB, backlog ${mb(published.bytes)} MB); peak RSS above idle **${mb(slow.maxRss - slow.idleRss)} MB** ` +
      `(unslowed Kafka run ${mb(median(viaKafka.map((r) => r.maxRss - r.idleRss)))} MB, file run ${mb(median(file.map((r) => r.maxRss - r.idleRss)))} MB)`,
  );
}
