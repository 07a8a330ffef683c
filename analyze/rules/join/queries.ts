import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { query } from '../../../core/clickhouse/query.js';
import { chTime, isoTime, PAGE_SLICING, pageSlices } from '../../../core/clickhouse/time.js';
import type { SampleFlow } from '../../../core/finding.js';
import { rawTimeRange } from '../../sql.js';
import type { FlowKey } from './resolve.js';

/** Analysis window, ISO-8601 instants, `from` inclusive, `to` exclusive. */
export interface Window {
  from: string;
  to: string;
}

const num = z.coerce.number();
const KeyRowSchema = z.object({
  nsg: z.string(),
  acl_id: z.string(),
  subscription_id: z.string(),
  resource_group: z.string(),
  rule_name: z.string(),
  rule_kind: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  action: z.enum(['allow', 'deny']),
  hits: num,
  sources: num,
  internal_hits: num,
  internal_sources: num,
  first: z.string(),
  last: z.string(),
  formats: z.array(z.string()),
});

export interface KeyStats extends FlowKey {
  direction: 'inbound' | 'outbound';
  action: 'allow' | 'deny';
  hits: number;
  sources: number;
  /** Flows whose remote side is not public (internal peers). */
  internalHits: number;
  internalSources: number;
  first: string;
  last: string;
  formats: string[];
}

/** Raw key of a flow group as a single string, for `IN` filters. `|` occurs in no NSG/rule name or ARM id. */
export const KEY_EXPR = "concat(nsg, '|', acl_id, '|', rule_name)";
export const keyString = (k: Pick<FlowKey, 'nsg' | 'aclId' | 'ruleName'>) =>
  `${k.nsg}|${k.aclId}|${k.ruleName}`;
/** The window, also on the sorting key's first column so its first and last days prune (analyze/sql.ts). */
const WINDOW = rawTimeRange('from', 'to');
const windowParams = (w: Window) => ({ from: chTime(w.from), to: chTime(w.to) });

const KEY_COLUMNS =
  'SELECT nsg, acl_id, subscription_id, resource_group, rule_name, rule_kind, toString(direction) AS direction, ' +
  'toString(action) AS action, count() AS hits, uniqExact(src_ip) AS sources, countIf(NOT remote_is_public) AS internal_hits, ' +
  'uniqExactIf(src_ip, NOT remote_is_public) AS internal_sources, toString(min(time)) AS first, toString(max(time)) AS last, ' +
  'groupUniqArray(format) AS formats';
const KEY_GROUP =
  'GROUP BY nsg, acl_id, subscription_id, resource_group, rule_name, rule_kind, direction, action';

/**
 * Hits per (NSG, ACL, rule, direction, action) over the window: the few distinct rule groups the
 * `flows` table holds, small enough to resolve against the inventory in TypeScript.
 */
export async function queryKeyStats(db: Db, w: Window): Promise<KeyStats[]> {
  const rows = await select(
    db,
    KeyRowSchema,
    `${KEY_COLUMNS} FROM flows WHERE ${WINDOW} ${KEY_GROUP}`,
    windowParams(w),
  );
  return rows.map(keyStats);
}

function keyStats(r: z.infer<typeof KeyRowSchema>): KeyStats {
  return {
    nsg: r.nsg,
    aclId: r.acl_id,
    subscriptionId: r.subscription_id,
    resourceGroup: r.resource_group,
    ruleName: r.rule_name,
    ruleKind: r.rule_kind,
    direction: r.direction,
    action: r.action,
    hits: r.hits,
    sources: r.sources,
    internalHits: r.internal_hits,
    internalSources: r.internal_sources,
    first: isoTime(r.first),
    last: isoTime(r.last),
    formats: r.formats,
  };
}

export const KeyBucketsRowSchema = KeyRowSchema.extend({ buckets: z.array(num) });

/** Rule groups' stats and their NSGs' coverage slices (the rule groups' slices, merged per NSG key). */
export interface KeyStatsAndCoverage {
  stats: KeyStats[];
  coverage: { key: FlowKey; buckets: number[] }[];
}

/** The slice of the window each coverage bucket spans, in ms (the last may be shorter). */
export const sliceMs = (w: Window, buckets: number) =>
  Math.ceil(Math.max(1, Date.parse(w.to) - Date.parse(w.from)) / buckets);

/**
 * {@link queryKeyStats} and, in the same read of the window, which of `buckets` equal slices of it
 * hold any flow, per NSG key (the rule groups' slices, merged). One scan instead of two: the report
 * reads every flow of its 30-day window, so a second scan doubled its cost (issue 17). This is the
 * raw path; analyze/rules/join/key-cache.ts serves whole closed days from its cache.
 */
export async function queryKeyStatsAndCoverage(
  db: Db,
  w: Window,
  buckets: number,
): Promise<KeyStatsAndCoverage> {
  const rows = await select(
    db,
    KeyBucketsRowSchema,
    `${KEY_COLUMNS}, groupUniqArray(toUInt32(intDiv(toUnixTimestamp64Milli(time) - {fromMs:Int64}, {slice:Int64}))) AS buckets ` +
      `FROM flows WHERE ${WINDOW} ${KEY_GROUP}`,
    { ...windowParams(w), fromMs: Date.parse(w.from), slice: sliceMs(w, buckets) },
  );
  return keysAndCoverage(rows, buckets);
}

/** Rows of rule groups with their slices → stats, and coverage merged per NSG key. */
export function keysAndCoverage(
  rows: z.infer<typeof KeyBucketsRowSchema>[],
  buckets: number,
): KeyStatsAndCoverage {
  const coverage = new Map<string, { key: FlowKey; buckets: Set<number> }>();
  for (const r of rows) {
    const id = JSON.stringify([r.nsg, r.acl_id, r.subscription_id, r.resource_group]);
    const entry = coverage.get(id) ?? {
      key: {
        nsg: r.nsg,
        aclId: r.acl_id,
        subscriptionId: r.subscription_id,
        resourceGroup: r.resource_group,
        ruleName: '',
        ruleKind: '',
      },
      buckets: new Set<number>(),
    };
    for (const b of r.buckets) if (b < buckets) entry.buckets.add(b);
    coverage.set(id, entry);
  }
  return {
    stats: rows.map(keyStats),
    coverage: [...coverage.values()].map((c) => ({
      key: c.key,
      buckets: [...c.buckets].sort((a, b) => a - b),
    })),
  };
}

const ObservedRowSchema = z.object({
  src: z.string(),
  dst: z.string(),
  src_port: num,
  dst_port: num,
  protocol: num,
  direction: z.enum(['inbound', 'outbound']),
  late: num,
  hits: num,
  /** UTC days with the tuple (narrowing confidence: days observed). */
  days: z.array(z.string()).default([]),
});
export type ObservedRow = z.infer<typeof ObservedRowSchema>;

/**
 * Distinct allowed (source, destination, port, protocol) of some rule groups, split at `split`
 * (`late` = 1 for flows at or after it) for backtests. Capped by `limit`, busiest first.
 */
export async function queryObserved(
  db: Db,
  w: Window,
  keys: string[],
  split: string,
  limit: number,
): Promise<ObservedRow[]> {
  if (!keys.length) return [];
  return select(
    db,
    ObservedRowSchema,
    'SELECT toString(src_ip) AS src, toString(dst_ip) AS dst, any(src_port) AS src_port, dst_port, protocol, ' +
      `toString(direction) AS direction, toUInt8(time >= {split:DateTime64(3, 'UTC')}) AS late, count() AS hits, ` +
      `arrayMap(d -> toString(d), groupUniqArray(toDate(time, 'UTC'))) AS days FROM flows ` +
      `WHERE ${WINDOW} AND action = 'allow' AND ${KEY_EXPR} IN {keys:Array(String)} ` +
      'GROUP BY src, dst, dst_port, protocol, direction, late ORDER BY hits DESC LIMIT {limit:UInt32}',
    { ...windowParams(w), split: chTime(split), keys, limit },
  );
}

const SampleRowSchema = z.object({
  ts: z.string(),
  src_ip: z.string(),
  dst_ip: z.string(),
  src_port: num,
  dst_port: num,
  protocol: num,
  direction: z.enum(['inbound', 'outbound']),
  action: z.enum(['allow', 'deny']),
  state: z.string(),
  packets_sent: num,
  bytes_sent: num,
  packets_received: num,
  bytes_received: num,
  nsg: z.string(),
  rule: z.string(),
  mac: z.string(),
  format: z.string(),
});

/**
 * The latest few flows of some rule groups, as Finding sample flows. Read newest first in growing
 * slices of the window as the API's flow search pages are (`pageSlices`: an hour, then 4, 16, … times longer) until `limit` flows are found: the rule
 * key filters on no index, so one read of the whole window read every flow of it per recommendation,
 * while a busy rule's latest flows are in its last hour. Slices are disjoint and each is read
 * latest first, so the first `limit` flows are the window's latest (ties as in one read).
 */
export async function querySamples(
  db: Db,
  w: Window,
  keys: string[],
  limit: number,
  where = '1',
): Promise<SampleFlow[]> {
  if (!keys.length) return [];
  const out: SampleFlow[] = [];
  for (const [from, to] of pageSlices(Date.parse(w.from), Date.parse(w.to), 'desc', PAGE_SLICING)) {
    const slice = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    out.push(...(await sampleSlice(db, slice, keys, limit - out.length, where)));
    if (out.length >= limit) break;
  }
  return out;
}

async function sampleSlice(
  db: Db,
  w: Window,
  keys: string[],
  limit: number,
  where: string,
): Promise<SampleFlow[]> {
  const rows = await select(
    db,
    SampleRowSchema,
    "SELECT toString(time) AS ts, replaceRegexpOne(toString(src_ip), '^::ffff:', '') AS src_ip, " +
      "replaceRegexpOne(toString(dst_ip), '^::ffff:', '') AS dst_ip, src_port, dst_port, protocol, toString(direction) AS direction, " +
      'toString(action) AS action, toString(state) AS state, packets_sent, bytes_sent, packets_received, bytes_received, nsg, rule, mac, format ' +
      `FROM flows WHERE ${WINDOW} AND ${KEY_EXPR} IN {keys:Array(String)} AND ${where} ORDER BY flows.time DESC LIMIT {limit:UInt32}`,
    { ...windowParams(w), keys, limit },
  );
  return rows.map(sampleFlow);
}

function sampleFlow(r: z.infer<typeof SampleRowSchema>): SampleFlow {
  return {
    time: isoTime(r.ts),
    srcIp: r.src_ip,
    dstIp: r.dst_ip,
    srcPort: r.src_port,
    dstPort: r.dst_port,
    protocol: r.protocol,
    direction: r.direction,
    action: r.action,
    state: r.state,
    packetsSent: r.packets_sent,
    bytesSent: r.bytes_sent,
    packetsReceived: r.packets_received,
    bytesReceived: r.bytes_received,
    nsg: r.nsg,
    rule: r.rule,
    mac: r.mac,
    format: r.format,
  };
}

function select<T>(db: Db, row: z.ZodType<T>, sql: string, params: Record<string, unknown>): Promise<T[]> {
  return query(db.client, { sql, params, row });
}
