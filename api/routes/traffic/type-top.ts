import { z } from 'zod';
import type { Db } from '../../../core/clickhouse/client.js';
import { chNumber } from '../../../core/clickhouse/query.js';
import { NETWORKS } from '../../../core/enrich/tables.js';
import { type FilterNode, fieldsOf } from '../../filter/ast.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import { fromSql, type Metric, metricSql, type TableChoice } from '../../query/source.js';
import type { TimeWindow } from '../../query/time.js';
import { DIMENSIONS } from './dimensions.js';

/**
 * Top-N by flow type or connection type, the two dimensions that read both addresses
 * (core/enrich/flow-type.ts, connection-type.ts). Per raw row they cost about seven trie lookups
 * (1.15 s for 24 h and 52 s for 30 d at 100 M flows / 30 days), so the rows are split by peer:
 *
 * - Public peers: the type depends on the peer alone, unless the peer lies in a configured VNet
 *   prefix (public address space in a VNet makes it IntraVNet/InterVNet/VNetPeering by the local
 *   end's VNet). They are summed per distinct peer — from `flows_remote_1h` when the filter and the
 *   window allow (whole hours from the rollup, partial hours raw, api/query/source.ts `fromSql`),
 *   from raw `flows` otherwise — and the type is looked up once per peer with a placeholder local
 *   address, the same expression as per row.
 * - Private peers: summed per distinct (local, peer) pair from raw `flows`, then looked up once
 *   per pair. East-west pairs repeat (hosts × hosts), unlike public pairs: pre-grouping every row
 *   per pair was measured 1.3–1.8× slower than per row (docs/api.md), grouping private rows only
 *   is not. No rollup carries them with packets (`flows_internal_1h` has flows and bytes only).
 *   With no VNet in the inventory (none configured or imported: the default) no type depends on
 *   the local end, and private peers are summed per peer with the public ones.
 * - A public peer found in a VNet prefix yields {@link NEEDS_LOCAL} instead of a type: the request
 *   is answered again per raw row, the exact answer (rare: VNets with public address space).
 *
 * test/integration/api/flow-type-top.test.ts pins every variant to the per-row answer.
 */
type TypeDimension = 'flow_type' | 'connection_type';

export const isTypeDimension = (d: string): d is TypeDimension =>
  d === 'flow_type' || d === 'connection_type';

/** Not a type: a public peer inside a VNet prefix, whose type needs the local address. */
const NEEDS_LOCAL = '(public peer in a VNet prefix)';
/** Any address works for the local end when the type cannot depend on it (see {@link localMatters}). */
const NO_LOCAL = `toIPv6('::')`;
const METRIC_ALIASES = ['m_value', 'm_denied', 'm_flows', 'm_bytes', 'm_packets'] as const;

const Row = z.object({
  k: z.string(),
  m_value: chNumber,
  m_denied: chNumber,
  m_flows: chNumber,
  m_bytes: chNumber,
  m_packets: chNumber,
});

export async function typeTop(
  db: Db,
  input: TrafficInput & { dimension: TypeDimension; limit: number },
  choose: (w: TimeWindow, columns: string[]) => TableChoice,
  where: Where,
): Promise<{ source: TableChoice; rows: TypeRow[] }> {
  let source = choose(input.window, [...fieldsOf(input.filter), 'remote_ip', 'remote_is_public']);
  const local = await localMatters(db);
  let rows = await readTypes(db, splitSql(input, source.table, where, local));
  if (rows.some((r) => r.k === NEEDS_LOCAL)) {
    source = { table: 'flows', resolution: 1 };
    rows = await readTypes(db, perRowSql(input, where));
  }
  return {
    source,
    rows: rows.slice(0, input.limit).map((r) => ({
      key: { [input.dimension]: r.k },
      value: r.m_value,
      denied: r.m_denied,
      flows: r.m_flows,
      bytes: r.m_bytes,
      packets: r.m_packets,
    })),
  };
}

type Build = (params: ParamBag) => string;

async function readTypes(db: Db, build: Build) {
  const params = new ParamBag();
  const inner = build(params);
  const sums = METRIC_ALIASES.map((a) => `sum(${a}) AS ${a}`).join(', ');
  // At most nine types: no LIMIT, so a NEEDS_LOCAL row is never cut off; the caller keeps the top.
  const sql = `SELECT k, ${sums} FROM (${inner}) GROUP BY k ORDER BY m_value DESC, k`;
  return readRows(db, sql, params.values, Row);
}

function metrics(metric: Metric, table: TableChoice['table']): string {
  return [
    metricSql(metric, table),
    metricSql(metric, table, `action = 'deny'`),
    metricSql('flows', table),
    metricSql('bytes', table),
    metricSql('packets', table),
  ]
    .map((sql, i) => `${sql} AS ${METRIC_ALIASES[i]}`)
    .join(', ');
}

const typeSql = (d: TypeDimension) => (DIMENSIONS[d].select as [[string, string]])[0][1];
const ALL = METRIC_ALIASES.join(', ');

/**
 * Whether any type can depend on the local end: only through a VNet prefix (IntraVNet/InterVNet,
 * VNetPeering) or "is the local end in a VNet" (UnknownPrivate vs Unknown). With no VNet in the
 * inventory, every local address answers that alike (all `assumed` with no inventory at all,
 * none with on-premises prefixes only), so every peer's type is its own.
 */
async function localMatters(db: Db): Promise<boolean> {
  const sql = `SELECT count() AS n FROM ${NETWORKS.table} WHERE kind = 'vnet'`;
  const [r] = await readRows(db, sql, {}, z.object({ n: chNumber }));
  return (r?.n ?? 0) > 0;
}

/**
 * Public peers (all peers when the local end cannot matter) per peer, from the rollup or raw;
 * private peers per (local, peer) pair from raw. The columns the type expression reads are named
 * one level above the filtered read: an alias in the same SELECT would shadow the column in its
 * WHERE (ClickHouse resolves aliases there too).
 */
function splitSql(input: TypeInput, table: TableChoice['table'], where: Where, local: boolean): Build {
  const type = typeSql(input.dimension);
  const inVnet = `dictGetOrDefault('${NETWORKS.dictionary}', 'kind', remote_ip, '') = 'vnet'`;
  return (params) => {
    const peers =
      `SELECT if(${inVnet}, '${NEEDS_LOCAL}', ${type}) AS k, ${ALL} FROM (` +
      `SELECT remote_ip, ${NO_LOCAL} AS local_ip, remote_is_public, ${ALL} FROM (` +
      `SELECT remote_ip, remote_is_public, ${metrics(input.metric, table)} ` +
      `FROM ${fromSql(table, input.window, params)} WHERE ${local ? 'remote_is_public AND ' : ''}` +
      `${where(input, params)} GROUP BY remote_ip, remote_is_public))`;
    if (!local) return peers;
    const pairs =
      `SELECT ${type} AS k, ${ALL} FROM (` +
      `SELECT local_ip, remote_ip, false AS remote_is_public, ${ALL} FROM (` +
      `SELECT local_ip, remote_ip, ${metrics(input.metric, 'flows')} FROM flows ` +
      `WHERE NOT remote_is_public AND ${where(input, params)} GROUP BY local_ip, remote_ip))`;
    return `${peers} UNION ALL ${pairs}`;
  };
}

/** The type evaluated on every raw row: the reference, and the answer when a public peer is in a VNet. */
function perRowSql(input: TypeInput, where: Where): Build {
  return (params) =>
    `SELECT ${typeSql(input.dimension)} AS k, ${metrics(input.metric, 'flows')} FROM flows ` +
    `WHERE ${where(input, params)} GROUP BY k`;
}

/** queries.ts's input and row shapes, restated: importing them from there would be a cycle. */
interface TrafficInput {
  window: TimeWindow;
  filter: FilterNode | null;
  metric: Metric;
}
interface TypeRow {
  key: Record<string, string>;
  value: number;
  denied: number;
  flows: number;
  bytes: number;
  packets: number;
}
type Where = (input: TrafficInput, params: ParamBag) => string;
type TypeInput = TrafficInput & { dimension: TypeDimension };
