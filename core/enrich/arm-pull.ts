import type { NetworkManagementClient, VirtualNetworkGateway } from '@azure/arm-network';
import { type ArmNetworkResources, sameId } from './arm-inventory.js';

/** The parts of `NetworkManagementClient` the inventory pull uses (the real client in production and tests). */
export type ArmNetworkClient = Pick<
  NetworkManagementClient,
  'virtualNetworks' | 'virtualNetworkGateways' | 'localNetworkGateways'
>;

/** A read that failed: its resource type and scope, the HTTP status and ARM's error. */
export interface PullFailure {
  resource: string;
  /** Where it failed, e.g. `resource group rg-net`, `gateway ergw` (none for subscription-wide reads). */
  scope?: string;
  status: number;
  message: string;
}

/**
 * Reads VNets (subscription-wide, paged through nextLink by the SDK), then per resource group that
 * holds a VNet or a gateway the VNets point at (gateways have no subscription-wide list): the
 * virtual network gateways, the connections of each, and the local network gateway each connection
 * names; for ExpressRoute gateways, the routes they learned over BGP (a long-running POST that the SDK
 * polls). An ARM error answer (403 for a missing permission, 404 for a group deleted meanwhile, a 429
 * or 5xx left after the SDK's retries) is recorded with its scope and the other reads go on, the same
 * type in other resource groups and gateways included (permissions may be granted per group);
 * anything else (no credentials, no network) is thrown.
 */
export async function pullArmNetworks(
  client: ArmNetworkClient,
): Promise<{ resources: ArmNetworkResources; failures: PullFailure[] }> {
  const failures: PullFailure[] = [];
  const guard = guardWith(failures);
  const vnets =
    (await guard('virtualNetworks', undefined, () => collect(client.virtualNetworks.listAll()))) ?? [];
  const groups = new Set<string>();
  for (const v of vnets) addGroup(groups, v.id);
  for (const v of vnets)
    for (const s of v.subnets ?? [])
      for (const c of s.ipConfigurations ?? []) addGroup(groups, gatewayOf(c.id));
  const gateways: VirtualNetworkGateway[] = [];
  for (const rg of groups) {
    const list = await guard('virtualNetworkGateways', `resource group ${rg}`, () =>
      collect(client.virtualNetworkGateways.list(rg)),
    );
    for (const g of list ?? []) if (!gateways.some((x) => sameId(x.id, g.id))) gateways.push(g);
  }
  const behind = await pullBehindGateways(client, gateways, guard);
  return { resources: { vnets, gateways, ...behind }, failures };
}

type Guard = ReturnType<typeof guardWith>;

/** VPN gateways' connections and their local network gateways; ExpressRoute gateways' learned routes. */
async function pullBehindGateways(
  client: ArmNetworkClient,
  gateways: VirtualNetworkGateway[],
  guard: Guard,
): Promise<Pick<ArmNetworkResources, 'connections' | 'localGateways' | 'learnedRoutes'>> {
  const named = (type: string) =>
    gateways.flatMap((g) => (g.gatewayType === type && g.id && g.name ? [{ rg: groupOf(g.id)!, g }] : []));
  const connections = [];
  for (const { rg, g } of named('Vpn')) {
    const list = await guard('connections', `gateway ${g.name}`, () =>
      collect(client.virtualNetworkGateways.listConnections(rg, g.name!)),
    );
    connections.push(...(list ?? []));
  }
  const learnedRoutes: ArmNetworkResources['learnedRoutes'] = [];
  for (const { rg, g } of named('ExpressRoute')) {
    const answer = await guard('learnedRoutes', `gateway ${g.name}`, () =>
      client.virtualNetworkGateways.beginGetLearnedRoutesAndWait(rg, g.name!),
    );
    if (answer) learnedRoutes.push({ gatewayId: g.id!, routes: answer.value ?? [] });
  }
  const localGateways = [];
  const localIds = new Set(connections.map((c) => c.localNetworkGateway2?.id ?? '').filter(Boolean));
  for (const id of localIds) {
    const rg = groupOf(id);
    const name = id.split('/').at(-1);
    const local =
      rg && name
        ? await guard('localNetworkGateways', `local network gateway ${name}`, () =>
            client.localNetworkGateways.get(rg, name),
          )
        : undefined;
    if (local) localGateways.push(local);
  }
  return { connections, localGateways, learnedRoutes };
}

/** Runs one read; an ARM error answer becomes a failure of that read alone, the rest throws. */
function guardWith(failures: PullFailure[]) {
  return async <T>(
    resource: string,
    scope: string | undefined,
    read: () => Promise<T>,
  ): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      const status = armStatus(err);
      if (status === undefined) throw err;
      const code = (err as { code?: unknown }).code;
      const text = (err as Error).message.split('\n')[0]!.slice(0, 300);
      const message = `${typeof code === 'string' ? `${code}: ` : ''}${text}`;
      failures.push({ resource, ...(scope ? { scope } : {}), status, message });
      return undefined;
    }
  };
}

/**
 * The HTTP status of an ARM error answer (`RestError`), else undefined. Credential errors are not ARM
 * answers even when they carry a status (identity's AuthenticationError has one): they stop the sync.
 */
export function armStatus(err: unknown): number | undefined {
  const e = err as { name?: unknown; statusCode?: unknown } | null;
  return e?.name === 'RestError' && typeof e.statusCode === 'number' ? e.statusCode : undefined;
}

/** The line `rules sync` prints for a failure: says which permission is missing on a 403. */
export function describeFailure(f: PullFailure): string {
  const action = READ_ACTIONS[f.resource] ?? 'read';
  const role = f.resource === 'learnedRoutes' ? 'Network Contributor' : 'Reader';
  const hint = f.status === 403 ? ` (needs ${action}, e.g. the ${role} role on the subscription)` : '';
  return `${f.resource}${f.scope ? ` (${f.scope})` : ''}: not imported, HTTP ${f.status}${hint}: ${f.message}`;
}

const READ_ACTIONS: Record<string, string> = {
  networkSecurityGroups: 'Microsoft.Network/networkSecurityGroups/read',
  virtualNetworks: 'Microsoft.Network/virtualNetworks/read',
  virtualNetworkGateways: 'Microsoft.Network/virtualNetworkGateways/read',
  connections: 'Microsoft.Network/connections/read',
  localNetworkGateways: 'Microsoft.Network/localNetworkGateways/read',
  // An action, not a read: the Reader role lacks it (Network Contributor or a custom role has it).
  learnedRoutes: 'Microsoft.Network/virtualNetworkGateways/getLearnedRoutes/action',
};

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** `/subscriptions/s/resourceGroups/RG/…` → RG. */
function groupOf(id: string | undefined): string | undefined {
  return id?.match(/\/resourceGroups\/([^/]+)\//i)?.[1];
}

function addGroup(groups: Set<string>, id: string | undefined): void {
  const rg = groupOf(id);
  if (rg && ![...groups].some((g) => g.toLowerCase() === rg.toLowerCase())) groups.add(rg);
}

/** A GatewaySubnet's ipConfiguration id `…/virtualNetworkGateways/GW/ipConfigurations/x` → the gateway id. */
function gatewayOf(id: string | undefined): string | undefined {
  return id?.match(/^(.*\/virtualNetworkGateways\/[^/]+)\//i)?.[1];
}
