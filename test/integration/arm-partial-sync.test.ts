import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowPage } from '../../api/routes/flows/routes.js';
import { NetworkInventorySchema } from '../../core/config/sections/enrich.js';
import { describeFailure } from '../../core/enrich/arm-pull.js';
import { armSyncReport, syncArmNetworks } from '../../core/enrich/arm-sync.js';
import { type TestApi, testApi } from '../harness/api.js';
import { outboundFlowsTo, seedFlows } from '../harness/api-seed.js';
import { armEstate, IDS, SUB } from '../harness/arm-estate.js';
import { type ArmDouble, type ArmFault, type ArmResource, startArmDouble } from '../harness/arm-server.js';
import { openTestDb } from '../harness/chdb.js';

/**
 * `rules sync` when one ARM read fails after the SDK's retries (a missing permission, a resource
 * group deleted during the sync): the parts that read leaves incomplete are completed from the
 * subscription's previous import, the same type is still read in the other resource groups, and the
 * report says what failed and what was kept (exit 1). Real `@azure/arm-network` client against the
 * ARM test double (test/harness/arm-server.ts) with faults on one request path.
 */
let db: Awaited<ReturnType<typeof openTestDb>>;
let api: TestApi;
const doubles: ArmDouble[] = [];
const NOW = new Date('2026-03-02T00:00:00Z');
let ticks = 0;
const clock = () => new Date(NOW.getTime() + 1000 * ticks++);
const NO_CONFIG = NetworkInventorySchema.parse({});
const PEERS = ['172.16.8.1', '192.168.100.7', '192.168.200.7', '10.200.0.7'];
const LEARNED_ROUTES: ArmFault = {
  path: /\/virtualNetworkGateways\/ergw\/getLearnedRoutes$/,
  status: 403,
  code: 'AuthorizationFailed',
};
const RG_NET_GATEWAYS: ArmFault = {
  path: /\/resourceGroups\/rg-net\/providers\/Microsoft\.Network\/virtualNetworkGateways$/,
  status: 404,
  code: 'ResourceGroupNotFound',
};

/** The estate with vpngw's P2S pool moved to 192.168.200.0/24: what only a fresh read can know. */
function movedPool(): ArmResource[] {
  return armEstate().map((r) =>
    r.id === IDS.vpngw
      ? {
          ...r,
          properties: {
            ...r.properties,
            vpnClientConfiguration: { vpnClientAddressPool: { addressPrefixes: ['192.168.200.0/24'] } },
          },
        }
      : r,
  );
}

async function sync(opts: { faults: ArmFault[]; resources?: ArmResource[]; subscription?: string }) {
  const arm = await startArmDouble({
    dir: db.dir,
    subscription: SUB,
    resources: opts.resources ?? armEstate(),
    faults: opts.faults,
  });
  doubles.push(arm);
  const r = await syncArmNetworks(db.client, arm.client, {
    subscription: opts.subscription ?? SUB,
    networks: NO_CONFIG,
    now: clock,
  });
  return { arm, r };
}

async function types(): Promise<Map<string, string>> {
  const res = await api.get('/api/flows?from=2026-03-01T11:00:00Z&to=2026-03-01T12:00:00Z&limit=100');
  expect(res.status, await res.clone().text()).toBe(200);
  return new Map(
    ((await res.json()) as FlowPage).rows.map((r) => [r.dst_ip, `${r.flow_type}/${r.connection_type}`]),
  );
}

beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, outboundFlowsTo('10.0.1.4', PEERS, '2026-03-01 11'));
  api = testApi(db);
  const first = await sync({ faults: [] });
  expect(first.r.failures).toEqual([]);
});
afterAll(async () => {
  for (const d of doubles) await d.close();
  await db.close();
});

describe('a partial ARM failure during rules sync', { timeout: 120_000 }, () => {
  it("learned routes refused: the previous import's ExpressRoute prefixes stay, the report says so", async () => {
    const { r } = await sync({ faults: [LEARNED_ROUTES] });
    expect(r.failures.map((f) => [f.resource, f.scope, f.status])).toEqual([
      ['learnedRoutes', 'gateway ergw', 403],
    ]);
    expect(r.inventory?.expressRoute).toEqual(['10.200.0.0/16']);
    expect(r.carried).toEqual(['expressRoute']);
    const report = armSyncReport(r);
    expect(report.failed).toBe(true); // `rules sync` exits 1
    expect(report.stderr).toEqual([
      describeFailure(r.failures[0]!),
      'network inventory: ExpressRoute prefixes completed from the previous import (reads failed above)',
    ]);
    expect(report.stderr[0]).toMatch(
      /^learnedRoutes \(gateway ergw\): not imported, HTTP 403 \(needs Microsoft\.Network\/virtualNetworkGateways\/getLearnedRoutes\/action, e\.g\. the Network Contributor role on the subscription\): AuthorizationFailed: /,
    );
    expect((await types()).get('10.200.0.7')).toBe('S2S/ExpressRoute');
  });

  it('one resource group failing does not skip the others; what they hold now joins what the last import knew', async () => {
    const { arm, r } = await sync({ faults: [RG_NET_GATEWAYS], resources: movedPool() });
    expect(r.failures.map((f) => [f.resource, f.scope, f.status])).toEqual([
      ['virtualNetworkGateways', 'resource group rg-net', 404],
    ]);
    const lists = arm.requests.filter((q) => /\/virtualNetworkGateways\?/.test(q));
    expect(lists.map((q) => q.match(/resourceGroups\/([^/]+)/)?.[1])).toEqual(['rg-net', 'rg-app', 'rg-gw']);
    // 192.168.200.0/24 was read now from rg-gw; 192.168.100.0/24 is the previous import's.
    expect(r.inventory?.pointToSite).toEqual(['192.168.200.0/24', '192.168.100.0/24']);
    expect(r.inventory?.siteToSite).toEqual(['172.16.0.0/12']);
    expect(r.carried).toEqual(['siteToSite', 'expressRoute', 'pointToSite']);
    expect(armSyncReport(r).stderr[0]).toMatch(
      /^virtualNetworkGateways \(resource group rg-net\): not imported, HTTP 404: ResourceGroupNotFound: /,
    );
    const got = await types();
    expect(got.get('192.168.200.7')).toBe('P2S/VpnGateway');
    expect(got.get('192.168.100.7')).toBe('P2S/VpnGateway');
  });

  it('a sync without failures drops what Azure no longer has', async () => {
    const { r } = await sync({ faults: [], resources: movedPool() });
    expect(r.inventory?.pointToSite).toEqual(['192.168.200.0/24']);
    expect((await types()).get('192.168.100.7')).toBe('UnknownPrivate/');
  });

  it('with no previous import of the subscription the report says which parts are incomplete', async () => {
    const { r } = await sync({ faults: [LEARNED_ROUTES], subscription: 'never-synced' });
    expect(r.inventory?.expressRoute).toEqual([]);
    expect(r.carried).toEqual([]);
    expect(armSyncReport(r)).toMatchObject({
      stderr: [
        describeFailure(r.failures[0]!),
        'network inventory: ExpressRoute prefixes incomplete (reads failed above, no previous import)',
      ],
      failed: true,
    });
  });
});
