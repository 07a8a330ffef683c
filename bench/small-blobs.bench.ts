/**
 * `npm run bench -- small-blobs [--blobs 10000] [--unbatched 1000] [--live 5000] [--big-mb 50] [--tpm 12]
 *   [--workers auto]`
 *
 * Issue 16 part 1, the shape real estates write: many small hourly blobs, and a live minute.
 * Everything runs in one process against one chDB, each variant on emptied tables:
 * 1. Two baselines of ≈ `--big-mb` each. **Same records in one blob** (the headline): the hour
 *    records of the first NICs, made by the small blobs' own generator, in one blob. It differs
 *    from the small blobs only in how many blobs carry the rows, which is what the bar is about
 *    (issue 16: "it costs about 28 ms per blob"). The **bench NSG blob** (bench/gen-blob.ts, as in
 *    `npm run bench -- ingest`) is the bar's literal "one large blob"; both are NSG v2, but its
 *    records are dense (5 rules × 4 MACs × ~60 tuples a minute, 64 bytes a tuple, few hosts), while
 *    a NIC record has ~12 tuples (129 bytes a tuple with its record) of its own host: per row that
 *    costs the normalizer (a record and 4 rule groups per 12 tuples) and the engine (rollups of
 *    thousands of hosts aggregate less) several times more, whether it comes in one blob or many.
 * 2. **many small blobs**: `--blobs` NIC hour blobs of ≈ 100 KB (bench/gen-nic-blobs.ts) through
 *    the file source with coalesced inserts (the default), and `--unbatched` of them with
 *    `ingest.coalesce.enabled = false` (one insert per blob, as before batching).
 * 3. **a live minute**: `--live` NIC blobs each get one new block (one minute record); the ranges
 *    go through the pipeline and sink as the blob source yields them (blob positions, a leading
 *    comma) and the wall time until every range is acked is the number (bar: < 20 s on 2 cores).
 *    Listing and downloads from Storage are not in it (see docs/ingest.md "Batching").
 * Every variant normalizes with `--workers` normalizer threads (`auto`: as `flowlens run` on this
 * machine, ingest/normalizers/pool/from-config.ts). Data is generated into a temp dir at bench time
 * and removed afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, openDb } from '../core/clickhouse/client.js';
import { migrate } from '../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../core/clickhouse/migrations/types.js';
import { silentLogger } from '../core/logging.js';
import type { Source, SourceBatch } from '../ingest/contracts.js';
import { normalize } from '../ingest/normalizers/index.js';
import { workerCount } from '../ingest/normalizers/pool/from-config.js';
import { NormalizerPool, type ParallelNormalizer } from '../ingest/normalizers/pool/pool.js';
import { runPipeline } from '../ingest/pipeline.js';
import { createClickHouseSink } from '../ingest/sinks/clickhouse/sink.js';
import { noFilePositions } from '../ingest/sources/file/positions.js';
import { createFileSource } from '../ingest/sources/file/source.js';
import { generateNsgV2Blob } from './gen-blob.js';
import { nicHourBlob, nicHoursBlob, nicMac, nicMinuteRecord } from './gen-nic-blobs.js';
import { warmUp } from './ingest-child.js';
import { mdTable, parseFlags } from './util.js';

const NO_TTL = { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 };
const HOUR_MS = Date.UTC(2026, 0, 5, 10);
const TABLES = ['flows', 'flows_1m', 'flows_1h', 'rejects', 'ingest_batches', 'ingest_batch_members'];

interface Timed {
  name: string;
  blobs: number;
  rows: number;
  seconds: number;
}

export async function run(args: string[]): Promise<void> {
  const f = parseFlags(args, {
    blobs: 10_000,
    unbatched: 1000,
    live: 5000,
    'big-mb': 50,
    tpm: 12,
    workers: 'auto',
  });
  const workers = f.workers === 'auto' ? workerCount('auto') : Number(f.workers);
  const pool = workers > 0 ? new NormalizerPool({ workers }) : undefined;
  await warmUp(pool);
  const parallel = pool?.variant('plain');
  const work = mkdtempSync(join(tmpdir(), 'flowlens-bench-small-'));
  const db = openDb({ kind: 'embedded', path: join(work, 'db') });
  const load = () => loadavg()[0]!.toFixed(1);
  try {
    await migrate(db.client, NO_TTL);
    process.stderr.write(`generating ${f.blobs} NIC blobs and a ${f['big-mb']} MB blob… (load ${load()})\n`);
    const big = join(work, 'big', 'PT1H.json');
    mkdirSync(join(work, 'big'));
    writeFileSync(big, generateNsgV2Blob({ targetBytes: Number(f['big-mb']) * 1e6, seed: 1 }));
    const same = nicHoursBlob(Number(f['big-mb']) * 1e6, { hourMs: HOUR_MS, tuplesPerMinute: Number(f.tpm) });
    mkdirSync(join(work, 'big-nic'));
    writeFileSync(join(work, 'big-nic', 'PT1H.json'), same.body);
    const small = join(work, 'small');
    const unbatchedDir = join(work, 'unbatched');
    let smallBytes = 0;
    for (const d of [small, unbatchedDir]) mkdirSync(d);
    for (let nic = 0; nic < Number(f.blobs); nic++) {
      const body = nicHourBlob({ nic, hourMs: HOUR_MS, tuplesPerMinute: Number(f.tpm) });
      smallBytes += body.length;
      writeFileSync(join(small, `nic-${nic}.json`), body);
      if (nic < Number(f.unbatched)) writeFileSync(join(unbatchedDir, `nic-${nic}.json`), body);
    }
    const results: Timed[] = [];
    const step = async (name: string, blobs: number, source: () => Source, coalesce: boolean) => {
      for (const t of TABLES) await db.client.command({ query: `TRUNCATE TABLE ${t}` });
      process.stderr.write(`${name}… (load ${load()})\n`);
      results.push({ name, blobs, ...(await timedIngest(db, source(), coalesce, parallel)) });
    };
    const files = (dir: string) => () =>
      createFileSource({ paths: [dir], positions: noFilePositions, logger: silentLogger() });
    await step(
      `one large blob: ${same.nics} NICs' hours (same records)`,
      1,
      files(join(work, 'big-nic')),
      true,
    );
    await step(`one large blob: bench NSG blob (${f['big-mb']} MB)`, 1, files(join(work, 'big')), true);
    await step(`${f.blobs} small blobs, coalesced`, Number(f.blobs), files(small), true);
    if (Number(f.unbatched) > 0)
      await step(
        `${f.unbatched} small blobs, one insert each`,
        Number(f.unbatched),
        files(unbatchedDir),
        false,
      );
    await step(
      `live minute: ${f.live} appended blocks`,
      Number(f.live),
      () => liveMinute(Number(f.live), Number(f.tpm)),
      true,
    );
    report(results, smallBytes / Number(f.blobs), `${load()}; ${workers} normalizer worker(s)`);
  } finally {
    await pool?.close();
    await db.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** One new block per NIC blob, as the blob source yields it: `,<record>` at the blob's old end. */
function liveMinute(nics: number, tpm: number): Source {
  return {
    name: 'live-minute',
    async *batches(signal) {
      for (let nic = 0; nic < nics && !signal.aborted; nic++) {
        const body = Buffer.from(
          `\r\n,${nicMinuteRecord({ nic, hourMs: HOUR_MS, tuplesPerMinute: tpm }, 31)}`,
        );
        const start = 12 + 31 * 1500;
        const key = `acct/c/resourceId=/NSG/y=2026/m=01/d=05/h=10/m=00/macAddress=${nicMac(nic)}/PT1H.json`;
        yield {
          body,
          position: { kind: 'blob', key, start, end: start + body.length },
          ack: async () => undefined,
        } satisfies SourceBatch;
      }
    },
    stop: async () => undefined,
  };
}

async function timedIngest(db: Db, source: Source, coalesce: boolean, parallel?: ParallelNormalizer) {
  const sink = createClickHouseSink({ db, ...(coalesce ? {} : { coalesce: false as const }) });
  const t0 = performance.now();
  const result = await runPipeline({
    source,
    normalize,
    ...(parallel ? { parallel } : {}),
    sink,
    signal: new AbortController().signal,
  });
  const seconds = (performance.now() - t0) / 1000;
  await source.stop();
  await sink.close();
  if (result.error) throw result.error;
  return { rows: result.rows, seconds };
}

const rate = (r: Timed | undefined) => (r ? r.rows / r.seconds : Number.NaN);

function report(results: Timed[], avgBytes: number, load: string): void {
  const [same, nsg] = [rate(results[0]), rate(results[1])];
  const rows = results.map((r) => [
    r.name,
    r.rows.toString(),
    r.seconds.toFixed(2),
    Math.round(r.rows / r.seconds).toString(),
    ((r.seconds * 1000) / r.blobs).toFixed(2),
    `${(rate(r) / same).toFixed(2)}×`,
    `${(rate(r) / nsg).toFixed(2)}×`,
  ]);
  const small = rate(results[2]);
  const lines = [
    `## small blobs (avg ${(avgBytes / 1000).toFixed(0)} KB per NIC blob; load average at the end ${load})`,
    '',
    mdTable(
      [
        'variant',
        'rows',
        'seconds',
        'rows/s',
        'ms per blob',
        'vs same records in one blob',
        'vs bench NSG blob',
      ],
      rows,
    ),
    '',
    `**small blobs coalesced: ${(small / same).toFixed(2)}× the same records in one blob** (bar ≥ 0.5×); ${(small / nsg).toFixed(2)}× the bench NSG blob`,
    'bars: small blobs coalesced ≥ 0.5× one large blob; live minute < 20 s wall on 2 cores',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
