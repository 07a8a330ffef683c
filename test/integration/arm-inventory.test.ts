import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowPage } from '../../api/routes/flows/routes.js';
import { NetworkInventorySchema } from '../../core/config/sections/enrich.js';
import { inventoryFromArm } from '../../core/enrich/arm-inventory.js';
import { describeFailure, pullArmNetworks } from '../../core/enrich/arm-pull.js';
import { armSyncReport, syncArmNetworks } from '../../core/enrich/arm-sync.js';
import { ensureNetworks } from '../../core/enrich/flow-type.js';
import { loadServiceTags } from '../../core/enrich/load.js';
import { ServiceTagsFileSchema } from '../../core/enrich/service-tags.js';
import { datasetStatus } from '../../core/enrich/store.js';
import { type TestApi, testApi } from '../harness/api.js';
import { outboundFlowsTo, type SeedFlow, seedFlows } from '../harness/api-seed.js';
import { armEstate, SUB } from '../harness/arm-estate.js';
import { type ArmDouble, startArmDouble } from '../harness/arm-server.js';
import { openTestDb } from '../harness/chdb.js';

/**
 * The network inventory import of `rules sync`: the real `@azure/arm-network` client (its paging,
 * deserialization and bearer-token pipeline) against a local HTTPS double of ARM
 * (test/harness/arm-server.ts), stored through chDB and read back through /api/flows.
 * A double cannot prove: Azure AD sign-in (a static token stands in for DefaultAzureCredential, whose
 * missing-login error sdk.test.ts covers), ARM's real paging quirks, throttling (429/Retry-After),
 * or that live resources carry every field read — the SDK's models and the REST docs stand for those.
 */
let db: Awaited<ReturnType<typeof openTestDb>>;
let api: TestApi;
const doubles: ArmDouble[] = [];
const NOW = new Date('2026-03-02T00:00:00Z');
/** Each reading a second later: successive imports must be ordered by their time. */
let ticks = 0;
const clock = () => new Date(NOW.getTime() + 1000 * ticks++);
const W = 'from=2026-03-01T11:00:00Z&to=2026-03-01T12:00:00Z';
const NO_CONFIG = NetworkInventorySchema.parse({});

/** Outbound flows from 10.0.1.4 (VNet hub) to each peer, one minute apart. */
const PEERS = [
  '10.0.1.9', // hub itself
  '10.1.0.5', // spoke-a, peered (Connected)
  '10.2.0.5', // spoke-b, peering only Initiated
  '10.5.0.9', // partner VNet in another subscription, peered
  '172.16.8.1', // on-premises behind the IPsec connection
  '192.168.100.7', // P2S client pool
  '10.250.0.1', // local network gateway without a connection
  '10.200.0.7', // on-premises behind ExpressRoute (a learned route)
  '52.239.216.9', // public, service tag Storage (ExpressRoute's learned 0.0.0.0/0 and 128.0.0.0/1 cover it)
  '203.0.113.50', // public, no tag (the same)
  '10.6.0.9', // another subscription's VNet, learned over the circuit with AS path 12076 only
];
const flows: SeedFlow[] = outboundFlowsTo('10.0.1.4', PEERS, '2026-03-01 11');

async function armDouble(
  opts: Omit<Parameters<typeof startArmDouble>[0], 'dir' | 'subscription' | 'resources'> = {},
): Promise<ArmDouble> {
  const d = await startArmDouble({ dir: db.dir, subscription: SUB, resources: armEstate(), ...opts });
  doubles.push(d);
  return d;
}

async function types(): Promise<[string, string, string][]> {
  const res = await api.get(`/api/flows?${W}&limit=100&order=asc`);
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as FlowPage).rows.map((r) => [r.dst_ip, r.flow_type, r.connection_type]);
}

beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, flows);
  const tags = { values: [{ name: 'Storage', properties: { addressPrefixes: ['52.239.216.0/24'] } }] };
  await loadServiceTags(db.client, ServiceTagsFileSchema.parse(tags), { source: 'file:test', now: NOW });
  api = testApi(db);
});
afterAll(async () => {
  for (const d of doubles) await d.close();
  await db.close();
});

describe('network inventory from ARM', { timeout: 120_000 }, () => {
  it('reads VNets across nextLink pages, gateways in a group only a subnet names, connections and local gateways', async () => {
    const arm = await armDouble({ pageSize: 2 });
    const pulled = await pullArmNetworks(arm.client);
    expect(pulled.failures).toEqual([]);
    expect(arm.requests.filter((r) => r.includes('/providers/Microsoft.Network/virtualNetworks?'))).toEqual([
      expect.not.stringContaining('skiptoken'),
      expect.stringContaining('%24skiptoken=2'),
    ]);
    expect(
      arm.requests.some((r) =>
        r.includes('/resourceGroups/rg-gw/providers/Microsoft.Network/virtualNetworkGateways?'),
      ),
    ).toBe(true);
    expect([...arm.authorizations]).toEqual(['Bearer arm-double-token']);
    // ExpressRoute learned routes: a long-running POST (202 + Location) that the SDK's poller follows.
    expect(arm.requests.filter((r) => /getLearnedRoutes|operationResults/.test(r))).toEqual([
      expect.stringContaining('/virtualNetworkGateways/ergw/getLearnedRoutes?'),
      expect.stringContaining('/operationResults/learned-ergw?'),
    ]);
    const { inventory, problems, skippedRoutes } = inventoryFromArm(pulled.resources);
    expect(problems).toEqual([]);
    expect(skippedRoutes).toEqual({ defaultRoute: 1, publicShort: 1, azureOnly: 1 });
    expect(inventory).toEqual({
      vnets: [
        { name: 'hub', prefixes: ['10.0.0.0/16'] },
        { name: 'spoke-a', prefixes: ['10.1.0.0/16'] },
        { name: 'spoke-b', prefixes: ['10.2.0.0/16'] },
        { name: 'isolated', prefixes: ['10.3.0.0/16'] },
        { name: 'partner', prefixes: ['10.5.0.0/16'] },
      ],
      peerings: [
        ['hub', 'spoke-a'],
        ['hub', 'partner'],
        ['spoke-a', 'hub'],
      ],
      siteToSite: ['172.16.0.0/12'],
      expressRoute: ['10.200.0.0/16'],
      pointToSite: ['192.168.100.0/24'],
    });
  });

  it('without any inventory, private peers are UnknownPrivate and no connection type is set', async () => {
    await ensureNetworks(db.client, NO_CONFIG, clock);
    const got = await types();
    expect(got).toHaveLength(PEERS.length);
    expect(new Set(got.map(([, t, c]) => `${t}/${c}`))).toEqual(
      new Set(['UnknownPrivate/', 'AzurePublic/', 'ExternalPublic/']),
    );
  });

  it('after the import, on-premises flows are S2S + VpnGateway and peered-VNet flows InterVNet + VNetPeering', async () => {
    const r = await syncArmNetworks(db.client, (await armDouble({ pageSize: 2 })).client, {
      subscription: SUB,
      networks: NO_CONFIG,
      now: clock,
    });
    expect(r.failures).toEqual([]);
    // The default route, 128.0.0.0/1 and the other subscription's VNet are not on-premises prefixes.
    expect(r.inventory?.expressRoute).toEqual(['10.200.0.0/16']);
    expect(armSyncReport(r)).toEqual({
      stdout:
        'network inventory: 5 VNets, 3 peerings, 1 S2S and 1 ExpressRoute on-premises prefixes, 1 P2S pools\n' +
        'ExpressRoute learned routes not imported as on-premises: 1 default route, 1 reaching public space ' +
        'shorter than /16 (IPv6 /32), 1 with only Microsoft ASNs in the AS path (Azure VNets on the circuit)',
      stderr: [],
      failed: false,
    });
    expect(await types()).toEqual([
      ['10.0.1.9', 'IntraVNet', ''],
      ['10.1.0.5', 'InterVNet', 'VNetPeering'],
      ['10.2.0.5', 'InterVNet', ''],
      ['10.5.0.9', 'InterVNet', 'VNetPeering'],
      ['172.16.8.1', 'S2S', 'VpnGateway'],
      ['192.168.100.7', 'P2S', 'VpnGateway'],
      ['10.250.0.1', 'UnknownPrivate', ''],
      ['10.200.0.7', 'S2S', 'ExpressRoute'],
      ['52.239.216.9', 'AzurePublic', ''],
      ['203.0.113.50', 'ExternalPublic', ''],
      ['10.6.0.9', 'UnknownPrivate', ''],
    ]);
    const status = (await datasetStatus(db.client)).find((d) => d.name === 'networks');
    expect(status?.source).toBe(`config+arm:${SUB}`);
  });

  it('config and import merge; on the same prefix config wins', async () => {
    const config = NetworkInventorySchema.parse({
      expressRoute: ['10.250.0.0/16'],
      siteToSite: ['10.1.0.0/16'], // also imported as VNet spoke-a: config says on-premises
      peerings: [['hub', 'isolated']], // names an imported VNet
    });
    const r = await ensureNetworks(db.client, config, clock);
    expect(r).toEqual({ loaded: true, problems: [] });
    const got = new Map((await types()).map(([ip, t, c]) => [ip, `${t}/${c}`]));
    expect(got.get('10.1.0.5')).toBe('S2S/VpnGateway');
    expect(got.get('10.250.0.1')).toBe('S2S/ExpressRoute');
    expect(got.get('172.16.8.1')).toBe('S2S/VpnGateway');
    await ensureNetworks(db.client, NO_CONFIG, clock);
  });

  it('a 403 on gateways in every group is a clear failure; the gateway-side parts of the previous import are kept', async () => {
    const arm = await armDouble({ forbidden: ['virtualNetworkGateways'] });
    const r = await syncArmNetworks(db.client, arm.client, {
      subscription: SUB,
      networks: NO_CONFIG,
      now: clock,
    });
    // Every resource group is tried (a permission may be granted per group), each failure named.
    expect(r.failures.map((f) => [f.resource, f.scope, f.status])).toEqual([
      ['virtualNetworkGateways', 'resource group rg-net', 403],
      ['virtualNetworkGateways', 'resource group rg-app', 403],
      ['virtualNetworkGateways', 'resource group rg-gw', 403],
    ]);
    expect(describeFailure(r.failures[0]!)).toMatch(
      /^virtualNetworkGateways \(resource group rg-net\): not imported, HTTP 403 \(needs Microsoft\.Network\/virtualNetworkGateways\/read, e\.g\. the Reader role on the subscription\): AuthorizationFailed: /,
    );
    expect(r.inventory?.vnets).toHaveLength(5);
    expect(r.carried).toEqual(['siteToSite', 'expressRoute', 'pointToSite']);
    // What `rules sync` prints: each refused read with its permission, what was kept, exit 1.
    expect(armSyncReport(r)).toEqual({
      stdout:
        'network inventory: 5 VNets, 3 peerings, 1 S2S and 1 ExpressRoute on-premises prefixes, 1 P2S pools',
      stderr: [
        ...r.failures.map(describeFailure),
        'network inventory: S2S prefixes, ExpressRoute prefixes, P2S pools completed from the previous import (reads failed above)',
      ],
      failed: true,
    });
    const got = new Map((await types()).map(([ip, t, c]) => [ip, `${t}/${c}`]));
    expect(got.get('10.1.0.5')).toBe('InterVNet/VNetPeering');
    expect(got.get('172.16.8.1')).toBe('S2S/VpnGateway');
    expect(got.get('192.168.100.7')).toBe('P2S/VpnGateway');
    expect(got.get('10.200.0.7')).toBe('S2S/ExpressRoute');
  });

  it('when the VNets cannot be read nothing is stored and the previous import stays in use', async () => {
    const full = await armDouble();
    await syncArmNetworks(db.client, full.client, { subscription: SUB, networks: NO_CONFIG, now: clock });
    const arm = await armDouble({ forbidden: ['virtualNetworks'] });
    const r = await syncArmNetworks(db.client, arm.client, {
      subscription: SUB,
      networks: NO_CONFIG,
      now: clock,
    });
    expect(r.inventory).toBeUndefined();
    expect(armSyncReport(r).stdout).toBe(
      'network inventory: not imported (the previous import stays in use)',
    );
    expect(r.failures.map((f) => f.resource)).toEqual(['virtualNetworks']);
    expect(arm.requests).toHaveLength(1);
    const got = new Map((await types()).map(([ip, t, c]) => [ip, `${t}/${c}`]));
    expect(got.get('172.16.8.1')).toBe('S2S/VpnGateway');
  });

  it('a sign-in failure stops the sync (it is not a refused resource type) and stores nothing', async () => {
    const credential = {
      getToken: async () => {
        throw Object.assign(new Error('AADSTS7000215: Invalid client secret provided.'), {
          name: 'AuthenticationError',
          statusCode: 401,
        });
      },
    };
    const arm = await armDouble({ credential });
    const before = await types();
    const err = await syncArmNetworks(db.client, arm.client, {
      subscription: SUB,
      networks: NO_CONFIG,
      now: clock,
    }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.name).toBe('AuthenticationError');
    expect(arm.requests).toEqual([]);
    expect(await types()).toEqual(before);
  });
});
