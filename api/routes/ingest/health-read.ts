import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import type { Config } from '../../../core/config/schema.js';
import { datasetStatus } from '../../../core/enrich/store.js';
import type { Metrics } from '../../../core/metrics.js';
import { pollSecondsOf, readInsertRetries, readSourceHealth, type SourceHealth } from './health-metrics.js';
import {
  type Coverage,
  coverageOf,
  type HealthStatus,
  STATUS_RANK,
  secondsSince,
  shortName,
  sparkline,
  statusOf,
  type TargetKind,
  type Thresholds,
  targetKind,
  thresholdsFor,
} from './health-model.js';
import { type FlowLogRow, readFlowLogs, readMinutes, readRejects, type Span } from './queries.js';

export interface RejectCounts {
  total: number;
  byReason: Record<string, number>;
}

export interface FlowLogHealth {
  /** Lower-cased ARM id of the NSG, VNet, subnet or NIC (or the flow-log resource). */
  id: string;
  name: string;
  kind: TargetKind;
  format: string;
  subscriptionId: string;
  resourceGroup: string;
  status: HealthStatus;
  thresholds: Thresholds;
  newestFlow: string;
  newestArrival: string;
  /** now − newest arrival (what turns a flow log silent). */
  lagSeconds: number;
  /** now − newest flow time (what makes it late). */
  flowLagSeconds: number;
  rowsLastHour: number;
  bytesLastHour: number;
  /** Rows per minute over the last hour, oldest first (60 values). */
  perMinute: number[];
  rejects: RejectCounts;
  coverage: Coverage;
  sourceKinds: string[];
  /** Blobs, files or partitions that fed it in the window (the drill-down pages them). */
  sources: number;
  /** Failed calls of this process's sources of its kinds, and whether one of them is parked. */
  sourceErrors: number;
  parked: boolean;
}

const DatasetRow = z.object({
  name: z.string(),
  version: z.string(),
  source: z.string(),
  dataDate: z.string(),
  loadedAt: z.string(),
  rows: z.coerce.number(),
});
export interface DatasetHealth extends z.infer<typeof DatasetRow> {
  /** Whole days from the date the data describes to now. */
  ageDays: number;
}

export interface IngestHealth {
  now: string;
  /** The rules window (`rules.windowDays` ending now): what coverage is measured over. */
  window: { from: string; to: string };
  minCoverage: number;
  flowLogs: FlowLogHealth[];
  /** Rejects whose source fed several flow logs (a Kafka or Event Hubs partition). */
  unattributedRejects: RejectCounts;
  sources: SourceHealth[];
  insertRetries: number;
  datasets: DatasetHealth[];
}

export interface HealthDeps {
  db: Db;
  config: Config;
  /** This process's metrics; absent for a CLI that runs no sources. */
  metrics?: Metrics;
}

/** Everything the ingest health page, `flowlens stats` and the API show, as of `now`. */
export async function readIngestHealth(deps: HealthDeps, now: Date): Promise<IngestHealth> {
  const window: Span = { from: new Date(now.getTime() - deps.config.rules.windowDays * 86_400_000), to: now };
  const hourAgo = new Date(now.getTime() - 3_600_000);
  const [rows, minutes, rejects, sources, insertRetries, datasets] = await Promise.all([
    readFlowLogs(deps.db, window, hourAgo),
    readMinutes(deps.db, hourAgo, now),
    readRejects(deps.db, window),
    deps.metrics ? readSourceHealth(deps.metrics, deps.config) : Promise.resolve([]),
    deps.metrics ? readInsertRetries(deps.metrics) : Promise.resolve(0),
    readDatasets(deps.db, now),
  ]);
  const perMinute = group(minutes, (m) => m.log_key);
  const rejectsBy = group(rejects, (r) => r.log_key);
  const windowHours = (window.to.getTime() - window.from.getTime()) / 3_600_000;
  const flowLogs = rows.map((r) => {
    const row = flowLogHealth(r, now, deps.config, sources);
    row.perMinute = sparkline(perMinute.get(r.log_key) ?? []);
    row.rejects = counts(rejectsBy.get(r.log_key) ?? []);
    row.coverage = coverageOf(r.covered_hours, windowHours, deps.config.rules.minCoverage);
    return row;
  });
  flowLogs.sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.name.localeCompare(b.name));
  const known = new Set(rows.map((r) => r.log_key));
  return {
    now: now.toISOString(),
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    minCoverage: deps.config.rules.minCoverage,
    flowLogs,
    unattributedRejects: counts(rejects.filter((r) => !known.has(r.log_key))),
    sources,
    insertRetries,
    datasets,
  };
}

function flowLogHealth(r: FlowLogRow, now: Date, config: Config, sources: SourceHealth[]): FlowLogHealth {
  const mine = sources.filter((s) => r.kinds.includes(s.kind));
  const polls = config.sources.filter((s) => r.kinds.includes(s.type)).map(pollSecondsOf);
  const thresholds = thresholdsFor(polls);
  const lag = {
    arrivalSeconds: secondsSince(r.newest_arrival, now),
    flowSeconds: secondsSince(r.newest_flow, now),
  };
  const kind = targetKind(r.log_key);
  return {
    id: r.log_key,
    name: shortName(r.label),
    kind,
    format: r.fmt,
    subscriptionId: r.sub_id,
    resourceGroup: r.rg,
    status: statusOf(lag, thresholds),
    thresholds,
    newestFlow: r.newest_flow,
    newestArrival: r.newest_arrival,
    lagSeconds: lag.arrivalSeconds,
    flowLagSeconds: lag.flowSeconds,
    rowsLastHour: r.rows_hour,
    bytesLastHour: r.bytes_hour,
    perMinute: [],
    rejects: { total: 0, byReason: {} },
    coverage: coverageOf(0, 1, 1),
    sourceKinds: r.kinds,
    sources: r.sources,
    sourceErrors: mine.reduce((s, x) => s + x.errors, 0),
    parked: mine.some((s) => s.parked),
  };
}

/** Datasets the enrichment loaded (docs/enrichment.md), with their age. */
async function readDatasets(db: Db, now: Date): Promise<DatasetHealth[]> {
  const rows = z.array(DatasetRow).parse(await datasetStatus(db.client));
  return rows.map((d) => ({ ...d, ageDays: Math.floor(secondsSince(d.dataDate, now) / 86_400) }));
}

function counts(rows: { reason: string; n: number }[]): RejectCounts {
  const byReason: Record<string, number> = {};
  for (const r of rows) byReason[r.reason] = (byReason[r.reason] ?? 0) + r.n;
  return { total: Object.values(byReason).reduce((a, b) => a + b, 0), byReason };
}

function group<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}
