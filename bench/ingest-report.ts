import { engineMallocConf } from '../core/clickhouse/engine-memory.js';
import type { ChildResult } from './ingest-child.js';
import { mdTable, median } from './util.js';

/** `flowlens-N`: the flowlens ingest with N normalizer worker threads (0 = in-thread). */
/** `engine-core`: the engine-only insert with the read rollups' views (migrations 0700–0730) detached. */
export type Variant = 'parse' | 'sql' | 'engine' | 'engine-core' | 'enriched' | `flowlens-${number}`;

export interface Timings {
  wall: Partial<Record<Variant, number[]>>;
  /** Process CPU ms (user + system, chDB's and worker threads included): robust on a busy box. */
  cpu: Partial<Record<Variant, number[]>>;
  tuples: number;
  /** Prefixes in the loaded enrichment dictionaries of the `enriched` runs. */
  enrichRows: number;
  /** Worker count of the `enriched` runs (compared with `flowlens-<that count>`). */
  enrichWorkers: number;
}

export interface IngestReport {
  blobBytes: number;
  t: Timings;
  /** Memory children per worker count. */
  rss: Map<number, ChildResult[]>;
  /** 1-minute load average before and after the runs. */
  load: number[];
  big?: { bytes: number; result: ChildResult };
}

const BAR = 1.6;

/** Prints the ingest bench's markdown: variants, ratios to SQL explode, memory per worker count. */
export function report({ blobBytes, t, rss, load, big }: IngestReport): void {
  const wall = (v: Variant) => median(t.wall[v] ?? []);
  const cpu = (v: Variant) => median(t.cpu[v] ?? []);
  const [p, s] = [wall('parse'), wall('sql')];
  const workerCounts = [...rss.keys()];
  const line = (name: string, v: Variant, withRows: boolean) => [
    name,
    fmtRuns(t.wall[v] ?? []),
    Math.round(cpu(v)).toString(),
    (blobBytes / 1e6 / (wall(v) / 1000)).toFixed(1),
    withRows ? Math.round(t.tuples / (wall(v) / 1000)).toString() : '—',
    (s / wall(v)).toFixed(2),
  ];
  const rows: string[][] = [
    line('JSON.parse (whole blob, no rows)', 'parse', false),
    line('SQL explode in chDB (file() + ARRAY JOIN)', 'sql', true),
    ...workerCounts.map((w) =>
      line(`flowlens file → rows (+ rollups), ${threads(w)}`, `flowlens-${w}`, true),
    ),
    line(
      `flowlens, ${threads(t.enrichWorkers)}, enrichment on (${t.enrichRows} prefixes loaded)`,
      'enriched',
      true,
    ),
    line('engine only: pre-staged rows → flows (+ rollups)', 'engine', true),
    line('engine only, read rollups detached (flows + flows_1m/1h views only)', 'engine-core', true),
  ];
  const plain = `flowlens-${t.enrichWorkers}` as const;
  const enrichRatios: string[][] = [
    [
      'enrichment on vs off (wall throughput, same run)',
      `${(wall(plain) / wall('enriched')).toFixed(2)}×`,
      '≥ 0.90×',
    ],
    [
      'enrichment on vs off (CPU per blob)',
      `${(cpu(plain) / cpu('enriched')).toFixed(2)}×`,
      'load-insensitive view',
    ],
  ];
  const viewCost: string[][] = [
    [
      'engine only, all views vs read rollups detached (wall throughput, same run)',
      `${(wall('engine-core') / wall('engine')).toFixed(2)}×`,
      'what the read rollups (0700–0730) cost the insert',
    ],
  ];
  const ratios: string[][] = workerCounts.flatMap((w) => {
    const f = `flowlens-${w}` as const;
    return [
      [
        `flowlens, ${threads(w)} vs SQL explode (wall throughput)`,
        `${(s / wall(f)).toFixed(2)}×`,
        `≥ ${BAR}× (2 cores)`,
      ],
      [`… CPU per blob`, `${(cpu('sql') / cpu(f)).toFixed(2)}×`, 'load-insensitive view'],
      [`… vs JSON.parse (wall)`, `${((p / wall(f)) * 100).toFixed(1)} %`, '≥ 35 %'],
    ];
  });
  const memory = workerCounts.map((w) => {
    const peaks = rss.get(w)!.map((r) => r.peakAboveIdle);
    const idle = median(rss.get(w)!.map((r) => r.idleRss));
    return [
      `peak RSS above idle / blob size, ${threads(w)} (median of ${peaks.length})`,
      `${(median(peaks) / blobBytes).toFixed(2)}× (${mb(median(peaks))} over ${mb(idle)} idle; ` +
        `runs ${peaks.map((b) => (b / blobBytes).toFixed(2)).join(', ')})`,
      '≤ 8×',
    ];
  });
  const bigRow = big
    ? [
        [
          `peak RSS above idle, ${(big.bytes / 1e9).toFixed(2)} GB directory, ${threads(Math.max(...workerCounts))}`,
          `${mb(big.result.peakAboveIdle)} (${big.result.rows} rows in ${(big.result.ms / 1000).toFixed(1)} s)`,
          'bounded (≈ one blob)',
        ],
      ]
    : [];
  const out = [
    `### ingest benchmark: ${(blobBytes / 1e6).toFixed(1)} MB NSG v2 blob, ${t.tuples} tuples, ` +
      `median of ${t.wall.parse?.length ?? 0}; load average ${load.map((l) => l.toFixed(1)).join(' → ')}; ` +
      // The engine's allocator options change its memory and CPU (docs/ingest.md "Engine memory").
      `engine allocator JE_MALLOC_CONF=${engineMallocConf(process.env)}`,
    '',
    mdTable(['variant', 'wall ms (runs)', 'CPU ms', 'MB/s', 'rows/s', '× SQL explode (wall)'], rows),
    '',
    mdTable(['ratio', 'measured', 'target'], [...ratios, ...enrichRatios, ...viewCost, ...memory, ...bigRow]),
    '',
  ];
  process.stdout.write(out.join('\n'));
}

const threads = (w: number) =>
  w === 0 ? 'in-thread (0 workers)' : `${w} worker thread${w === 1 ? '' : 's'}`;
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`;
const fmtRuns = (runs: number[]) =>
  `${Math.round(median(runs))} (${runs.map((r) => Math.round(r)).join(', ')})`;
