import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFilter } from '../../../api/filter/compile.js';
import { parseFilter } from '../../../api/filter/parse.js';
import { ParamBag } from '../../../api/query/params.js';
import type { Metric } from '../../../api/query/source.js';
import { chTime, type TimeWindow } from '../../../api/query/time.js';
import { DIMENSIONS } from '../../../api/routes/traffic/dimensions.js';
import { topN } from '../../../api/routes/traffic/queries.js';
import { NetworkInventorySchema } from '../../../core/config/sections/enrich.js';
import { ensureNetworks } from '../../../core/enrich/flow-type.js';
import { loadIntelList } from '../../../core/enrich/load.js';
import { generateFlows } from '../../harness/api-seed.js';
import { openTestDb, rows, type TestDb } from '../../harness/chdb.js';

/**
 * Differential test of the flow-type and connection-type top-N (queries.ts `topN`, type-top.ts)
 * against a plain per-row reference: the type expression evaluated on every raw row, grouped on
 * its value. The top-N sums public peers per peer (from `flows_remote_1h` for whole hours, raw
 * `flows` for the partial ones) and private peers per address pair before the lookups; it must
 * give these rows exactly, with three inventories: public address space in a VNet (public peers
 * whose type depends on the local end: answered per row), private VNets only, and none at all.
 */
let db: TestDb;
const START = new Date('2026-01-10T00:17:23.000Z');
const NOW = new Date('2026-01-14T00:00:00Z');

beforeAll(async () => {
  db = await openTestDb();
  // Peers: 198.51.100.0–198.51.119.x inbound, 93.184.216.0–93.184.217.43 outbound, 10.0.x locals.
  await generateFlows(db, { count: 30_000, from: START, spanMs: 3 * 86400e3 });
  await loadIntelList(
    db.client,
    { name: 'firehol', prefixes: ['198.51.105.0/24', '93.184.217.0/24'], confidence: 70 },
    { source: 't', now: NOW },
  );
  await useInventory(EDGE);
});

const PRIVATE_VNETS = {
  vnets: [
    { name: 'web', prefixes: ['10.0.0.0/24', '10.0.1.0/24'] },
    { name: 'data', prefixes: ['10.0.2.0/24'] },
    { name: 'mgmt', prefixes: ['10.0.3.0/24'] },
  ],
  siteToSite: ['198.51.110.0/24'],
  expressRoute: ['198.51.111.0/24'],
  pointToSite: ['198.51.112.0/24'],
  peerings: [['web', 'data']],
};
/** Public address space in a VNet: public peers whose type still depends on the local end. */
const EDGE = {
  ...PRIVATE_VNETS,
  vnets: [...PRIVATE_VNETS.vnets, { name: 'edge', prefixes: ['198.51.113.0/24'] }],
  peerings: [...PRIVATE_VNETS.peerings, ['web', 'edge']],
};

async function useInventory(inventory: unknown): Promise<void> {
  await ensureNetworks(db.client, NetworkInventorySchema.parse(inventory), () => NOW);
}
afterAll(async () => {
  await db.close();
});

const win = (from: string, to: string): TimeWindow => ({ from: new Date(from), to: new Date(to) });
const WINDOWS: [string, TimeWindow][] = [
  ['24 h', win('2026-01-10T06:00:00Z', '2026-01-11T06:00:00Z')],
  ['unaligned', win('2026-01-10T05:12:07.250Z', '2026-01-12T03:44:59.999Z')],
  ['all data', win('2026-01-10T00:00:00Z', '2026-01-14T00:00:00Z')],
];
const FILTERS = [
  '',
  'direction = inbound',
  'action = deny OR dst_port IN (22, 3389)',
  'flow_type IN (InterVNet, IntraVNet, S2S) OR connection_type = VNetPeering',
  'remote_is_public = false AND nsg = "nsg-app"',
  'remote_ip << 198.51.112.0/22 AND local_ip << 10.0.0.0/23',
];
const METRICS: Metric[] = ['bytes', 'flows', 'packets'];

const AGG: Record<Metric, (cond?: string) => string> = {
  bytes: (c) => (c ? `sumIf(bytes_sent + bytes_received, ${c})` : 'sum(bytes_sent + bytes_received)'),
  packets: (c) =>
    c ? `sumIf(packets_sent + packets_received, ${c})` : 'sum(packets_sent + packets_received)',
  flows: (c) => (c ? `countIf(${c})` : 'count()'),
};

/** The per-row answer: the type expression evaluated on each raw row, grouped on its value. */
async function perRow(
  dim: 'flow_type' | 'connection_type',
  window: TimeWindow,
  text: string,
  metric: Metric,
) {
  const params = new ParamBag();
  const [[alias, expr]] = DIMENSIONS[dim].select as [[string, string]];
  const from = params.add('DateTime64(3)', chTime(window.from));
  const to = params.add('DateTime64(3)', chTime(window.to));
  const filter = compileFilter(text ? parseFilter(text) : null, params);
  const sql =
    `SELECT ${expr} AS k, ${AGG[metric]()} AS value, ${AGG[metric](`action = 'deny'`)} AS denied, ` +
    `${AGG.flows()} AS flows, ${AGG.bytes()} AS bytes, ${AGG.packets()} AS packets FROM flows ` +
    `WHERE time >= ${from} AND time < ${to} AND ${filter} GROUP BY k ORDER BY value DESC, k`;
  const out = await rows<Record<string, string | number>>(db, sql, params.values);
  return out.map((r) => ({
    key: { [alias]: r.k },
    value: Number(r.value),
    denied: Number(r.denied),
    flows: Number(r.flows),
    bytes: Number(r.bytes),
    packets: Number(r.packets),
  }));
}

/** Filters `flows_remote_1h` can answer the public peers for (whole hours in every window). */
const PEER_SIDE = new Set(['', 'direction = inbound', 'action = deny OR dst_port IN (22, 3389)']);

async function expectPerRow(window: TimeWindow, text: string, metrics: Metric[], expected: string) {
  for (const dimension of ['flow_type', 'connection_type'] as const) {
    for (const metric of metrics) {
      const filter = text ? parseFilter(text) : null;
      const got = await topN(db, { window, filter, metric, dimension, limit: 1000 });
      expect(got.source.table, `${dimension} ${text}`).toBe(expected);
      const want = await perRow(dimension, window, text, metric);
      expect(want.length, `${dimension} ${metric}`).toBeGreaterThan(0);
      expect(got.rows, `${dimension} ${metric} ${text}`).toEqual(want);
      const top2 = await topN(db, { window, filter, metric, dimension, limit: 2 });
      expect(top2.rows).toEqual(want.slice(0, 2));
    }
  }
}

describe('pre-grouped flow and connection types answer as per-row evaluation does', () => {
  for (const [wname, window] of WINDOWS) {
    it.each(FILTERS)(`public peers in a VNet (per row), ${wname}, filter "%s"`, async (text) => {
      await expectPerRow(window, text, METRICS, 'flows');
    });
  }

  it('the fixture holds several flow and connection types', async () => {
    const all = WINDOWS[2]![1];
    const types = (await perRow('flow_type', all, '', 'flows')).map((r) => r.key.flow_type);
    expect(types).toEqual(
      expect.arrayContaining(['IntraVNet', 'InterVNet', 'S2S', 'MaliciousFlow', 'ExternalPublic']),
    );
    // Public peers in the `edge` VNet: InterVNet/VNetPeering from web (peered), plain InterVNet from data.
    const edge = await perRow('flow_type', all, 'remote_ip << 198.51.113.0/24', 'flows');
    expect(edge.map((r) => r.key.flow_type)).toEqual(['InterVNet']);
    const edgeConns = await perRow('connection_type', all, 'remote_ip << 198.51.113.0/24', 'flows');
    expect(edgeConns.map((r) => r.key.connection_type).sort()).toEqual(['', 'VNetPeering']);
    const conns = (await perRow('connection_type', all, '', 'flows')).map((r) => r.key.connection_type);
    expect(conns).toEqual(expect.arrayContaining(['VNetPeering', 'VpnGateway', 'ExpressRoute', '']));
  });
});

for (const [name, inventory] of [
  ['private VNets only', PRIVATE_VNETS],
  // No VNet: no type depends on the local end, every peer is summed per peer.
  ['no inventory', {}],
  ['on-premises prefixes only', { ...PRIVATE_VNETS, vnets: [], peerings: [] }],
] as const) {
  describe(`flow and connection types per peer and per pair, ${name}`, () => {
    beforeAll(async () => {
      await useInventory(inventory);
    });
    afterAll(async () => {
      await useInventory(EDGE);
    });
    // Without VNets no flow is InterVNet/IntraVNet: filter on the types that remain.
    const filters = FILTERS.map((f) =>
      name !== 'private VNets only' && f.startsWith('flow_type')
        ? 'flow_type IN (UnknownPrivate, Unknown, MaliciousFlow, S2S)'
        : f,
    );
    for (const [wname, window] of WINDOWS) {
      it.each(filters)(`${wname}, filter "%s"`, async (text) => {
        const table = PEER_SIDE.has(text) ? 'flows_remote_1h' : 'flows';
        await expectPerRow(window, text, ['bytes', 'packets'], table);
      });
    }
  });
}
