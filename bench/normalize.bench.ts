import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { toRows } from '../core/flow/batch.js';
import { normalize } from '../ingest/normalizers/index.js';
import { toMessages } from '../ingest/sources/kafka/messages.js';
import { generateNsgV2Blob, generateVnetBlob } from './gen-blob.js';

/**
 * Normalization-only throughput vs `JSON.parse(buf.toString())` on the same blob in the same process
 * (docs/reference/performance-facts.md §5 T2: gate ≥ 40 %, stretch ≥ 80 %). Runs are interleaved so machine
 * noise hits both sides alike; medians of `--runs` (default 5).
 *
 * `connector` is the NSG blob flattened the way Microsoft's NSG connector sends it to Event Hubs (one
 * flat record per tuple, 120 per `{"records":[…]}` message, ≈ 4× the bytes); each message is
 * normalized (and, for the baseline, `JSON.parse`d) on its own, as the streaming sources do.
 *
 * Usage: `npm run bench -- normalize [--mb 50] [--runs 5] [--seed 1] [--format nsg|vnet|connector|both|all]
 * [--only normalize|parse]` (`both` = nsg + vnet, the default). Peak RSS is a process high-water
 * mark; `--only` runs one side alone (no ratio) so the RSS line belongs to it.
 */
export async function run(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const formats =
    opts.format === 'both'
      ? ['nsg', 'vnet']
      : opts.format === 'all'
        ? ['nsg', 'vnet', 'connector']
        : [opts.format];
  for (const format of formats) {
    const gen = format === 'vnet' ? generateVnetBlob : generateNsgV2Blob;
    const blob = gen({ targetBytes: opts.mb * 1_000_000, seed: opts.seed });
    // Connector: the same tuples as the NSG blob, flattened into connector messages.
    const bodies = format === 'connector' ? toMessages(blob, 'connector') : [blob];
    if (opts.only) isolated(format, bodies, opts.only, opts.runs);
    else report(format, bodies, measure(bodies, opts.runs));
  }
  console.log(
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (whole process, incl. generator)`,
  );
}

interface Measured {
  parseMs: number[];
  normMs: number[];
  /** Process CPU time (user + system) of the same runs: robust when the box is shared and busy. */
  parseCpu: number[];
  normCpu: number[];
  tuples: number;
  rejects: number;
}

function measure(bodies: Buffer[], runs: number): Measured {
  const m: Measured = { parseMs: [], normMs: [], parseCpu: [], normCpu: [], tuples: 0, rejects: 0 };
  const gc = collector();
  // One untimed warm-up of each; the batch must hold real rows, not an empty shell.
  for (const b of bodies) JSON.parse(b.toString());
  const warm = normalize(bodies[0]!, { source: 'bench' });
  if (warm.columns.length === 0 || toRows({ ...warm.columns, length: 1 }).length !== 1)
    throw new Error('no rows');
  const parse = () => {
    for (const b of bodies) {
      const parsed = JSON.parse(b.toString()) as { records: unknown[] };
      if (!parsed.records.length) throw new Error('empty blob');
    }
  };
  const norm = () => {
    let tuples = 0;
    let rejects = 0;
    for (const b of bodies) {
      const r = normalize(b, { source: 'bench' });
      tuples += r.columns.length;
      rejects += r.rejects.length;
    }
    m.tuples = tuples;
    m.rejects = rejects;
  };
  for (let i = 0; i < runs; i++) {
    // Alternate the order so neither side always runs right after the other's allocations.
    const order = i % 2 === 0 ? [parse, norm] : [norm, parse];
    for (const f of order) {
      gc();
      const t = performance.now();
      const cpu = process.cpuUsage();
      f();
      (f === parse ? m.parseMs : m.normMs).push(performance.now() - t);
      (f === parse ? m.parseCpu : m.normCpu).push(cpuMs(cpu));
    }
  }
  return m;
}

function report(format: string, bodies: Buffer[], m: Measured): void {
  const mb = bodies.reduce((n, b) => n + b.length, 0) / 1e6;
  const parse = median(m.parseMs);
  const parseCpu = median(m.parseCpu);
  const row = (name: string, ms: number, cpu: number, tuples: string) =>
    `| ${name.padEnd(26)} | ${ms.toFixed(0).padStart(7)} | ${(mb / (ms / 1000)).toFixed(0).padStart(5)} | ${tuples.padStart(10)} | ${(parse / ms).toFixed(2).padStart(5)} | ${cpu.toFixed(0).padStart(7)} | ${(parseCpu / cpu).toFixed(2).padStart(5)} |`;
  console.log(
    `\n${format}: ${mb.toFixed(1)} MB in ${bodies.length} bodies, ${m.tuples} tuples, ${m.rejects} rejects, median of ${m.parseMs.length} runs`,
  );
  console.log('| variant                    | wall ms |  MB/s |   tuples/s | ratio |  cpu ms | cpu ratio |');
  console.log('|----------------------------|---------|-------|------------|-------|---------|-----------|');
  console.log(row('JSON.parse(buf.toString())', parse, parseCpu, '—'));
  const norm = median(m.normMs);
  console.log(row('normalize → columns', norm, median(m.normCpu), ((m.tuples / norm) * 1000).toFixed(0)));
  console.log(`wall ms per run: parse ${fmt(m.parseMs)}; normalize ${fmt(m.normMs)}`);
  console.log(
    `best-of ratio: ${(Math.min(...m.parseMs) / Math.min(...m.normMs)).toFixed(2)} wall, ${(Math.min(...m.parseCpu) / Math.min(...m.normCpu)).toFixed(2)} cpu`,
  );
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

/** One side alone, for its peak RSS (the generator's garbage is collected first). */
function isolated(format: string, bodies: Buffer[], only: string, runs: number): void {
  const gc = collector();
  gc();
  const before = process.memoryUsage().rss;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    for (const b of bodies) {
      if (only === 'parse') JSON.parse(b.toString());
      else normalize(b, { source: 'bench' });
    }
    ms.push(performance.now() - t);
  }
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  console.log(
    `${format} ${only} only: median ${median(ms).toFixed(0)} ms; RSS before ${mb(before)} MB (incl. ${mb(bodies.reduce((n, b) => n + b.length, 0))} MB of bodies)`,
  );
}

function parseArgs(args: string[]): { mb: number; runs: number; seed: number; format: string; only: string } {
  const get = (name: string, fallback: string) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
  };
  return {
    mb: Number(get('mb', '50')),
    runs: Math.max(3, Number(get('runs', '5'))),
    seed: Number(get('seed', '1')),
    format: get('format', 'both'),
    only: get('only', ''),
  };
}

/**
 * A full GC before each timed run, so neither side pays for the other's garbage (a 50 MB
 * `JSON.parse` graph is collected during whatever runs next). Falls back to a no-op.
 */
function collector(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // not available: measure without
  }
  return () => {};
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function fmt(xs: number[]): string {
  return xs.map((x) => x.toFixed(0)).join(', ');
}
