import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowPage } from '../../api/routes/flows/routes.js';
import type { TopResponse } from '../../api/routes/traffic/routes.js';
import { NetworkInventorySchema } from '../../core/config/sections/enrich.js';
import { peeringRows } from '../../core/enrich/connection-type.js';
import { ensureNetworks } from '../../core/enrich/flow-type.js';
import { type TestApi, testApi } from '../harness/api.js';
import { outboundFlowsTo, type SeedFlow, seedFlows } from '../harness/api-seed.js';
import { openTestDb } from '../harness/chdb.js';

let db: Awaited<ReturnType<typeof openTestDb>>;
let api: TestApi;
const NOW = new Date('2026-01-11T00:00:00Z');
const W = 'from=2026-01-10T11:00:00Z&to=2026-01-10T12:00:00Z';

/** Outbound flows from 10.0.1.4 (VNet hub) to each peer, one minute apart. */
const PEERS = [
  '10.0.1.9', // hub itself
  '10.1.0.5', // spoke-a, peered with hub
  '10.3.0.5', // isolated VNet, not peered
  '172.16.8.1', // siteToSite
  '10.200.0.7', // expressRoute
  '192.168.100.7', // pointToSite
  '8.8.8.8',
];
const flows: SeedFlow[] = outboundFlowsTo('10.0.1.4', PEERS, '2026-01-10 11');
// spoke-a → spoke-b: both peered with hub, not with each other (peering is not transitive).
flows.push({ ...flows[1]!, time: '2026-01-10 11:30:00.000', src_ip: '10.1.0.5', dst_ip: '10.2.0.5' });

const INVENTORY = {
  vnets: [
    { name: 'hub', prefixes: ['10.0.0.0/16'] },
    { name: 'spoke-a', prefixes: ['10.1.0.0/16'] },
    { name: 'spoke-b', prefixes: ['10.2.0.0/16'] },
    { name: 'isolated', prefixes: ['10.3.0.0/16'] },
  ],
  peerings: [
    ['hub', 'spoke-a'],
    ['spoke-b', 'hub'],
  ],
  siteToSite: ['172.16.0.0/12'],
  expressRoute: ['10.200.0.0/16'],
  pointToSite: ['192.168.100.0/24'],
};

beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, flows);
  api = testApi(db);
});
afterAll(async () => {
  await db.close();
});

async function flowsBy(filter: string): Promise<FlowPage['rows']> {
  const res = await api.get(`/api/flows?${W}&limit=100&order=asc&filter=${encodeURIComponent(filter)}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as FlowPage).rows;
}

describe('connection type', { timeout: 120_000 }, () => {
  it('is empty for every flow when no inventory is configured', async () => {
    await ensureNetworks(db.client, NetworkInventorySchema.parse({}), () => NOW);
    const rows = await flowsBy('connection_type = ""');
    expect(rows.length).toBe(flows.length);
    expect(rows.every((r) => r.connection_type === '')).toBe(true);
  });

  it('comes from peerings, VPN gateway and ExpressRoute prefixes, in /api/flows and the filter', async () => {
    const later = () => new Date(NOW.getTime() + 60_000);
    const r = await ensureNetworks(db.client, NetworkInventorySchema.parse(INVENTORY), later);
    expect(r).toEqual({ loaded: true, problems: [] });
    const rows = await flowsBy('src_ip = 10.0.1.4 OR src_ip = 10.1.0.5');
    expect(rows.map((x) => [x.dst_ip, x.flow_type, x.connection_type])).toEqual([
      ['10.0.1.9', 'IntraVNet', ''],
      ['10.1.0.5', 'InterVNet', 'VNetPeering'],
      ['10.3.0.5', 'InterVNet', ''],
      ['172.16.8.1', 'S2S', 'VpnGateway'],
      ['10.200.0.7', 'S2S', 'ExpressRoute'],
      ['192.168.100.7', 'P2S', 'VpnGateway'],
      ['8.8.8.8', 'ExternalPublic', ''],
      ['10.2.0.5', 'InterVNet', ''],
    ]);
    const vpn = await flowsBy('connection_type = VpnGateway');
    expect(vpn.map((x) => x.dst_ip)).toEqual(['172.16.8.1', '192.168.100.7']);
    expect((await flowsBy('connection_type = VNetPeering')).map((x) => x.dst_ip)).toEqual(['10.1.0.5']);
    const res = await api.get(`/api/traffic/top?${W}&dimension=connection_type&metric=flows`);
    expect(res.status, await res.clone().text()).toBe(200);
    const top = (await res.json()) as TopResponse;
    expect(top.rows.map((x) => [x.key.connection_type, x.value])).toEqual([
      ['', 4],
      ['VpnGateway', 2],
      ['ExpressRoute', 1],
      ['VNetPeering', 1],
    ]);
  });

  it('a peering that changes reloads the inventory; unknown VNet names are reported, not loaded', async () => {
    const changed = {
      ...INVENTORY,
      peerings: [
        ['hub', 'isolated'],
        ['hub', 'nowhere'],
      ],
    };
    const later = () => new Date(NOW.getTime() + 120_000);
    const r = await ensureNetworks(db.client, NetworkInventorySchema.parse(changed), later);
    expect(r).toEqual({
      loaded: true,
      problems: ['enrich.networks.peerings: not a configured VNet: nowhere'],
    });
    expect((await flowsBy('connection_type = VNetPeering')).map((x) => x.dst_ip)).toEqual(['10.3.0.5']);
  });

  it('lists each pair in both orders, once', () => {
    const inv = NetworkInventorySchema.parse({
      ...INVENTORY,
      peerings: [
        ['hub', 'spoke-a'],
        ['spoke-a', 'hub'],
      ],
    });
    expect(peeringRows(inv)).toEqual({
      rows: [
        { a: 'hub', b: 'spoke-a' },
        { a: 'spoke-a', b: 'hub' },
      ],
      problems: [],
    });
  });
});
