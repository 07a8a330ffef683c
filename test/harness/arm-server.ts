import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { NetworkManagementClient } from '@azure/arm-network';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { createServerCert, createTestCa } from './tls.js';

/**
 * A small HTTPS test double of Azure Resource Manager's Microsoft.Network read API, for the real
 * `@azure/arm-network` client. It serves ARM wire-format resources (`{id, name, type, properties}`):
 * subscription-wide and resource-group lists, `virtualNetworkGateways/{gw}/connections`, and GET by id,
 * in pages of `pageSize` joined by `nextLink`. A resource type in `forbidden` answers 403
 * `AuthorizationFailed` as ARM does; a request whose path matches one of `faults` answers that ARM
 * error (one resource group's list, one gateway's learned routes…). HTTPS because the SDK refuses
 * bearer tokens over plain HTTP.
 *
 * What it cannot prove: Azure AD sign-in and token scopes (the client gets a static token), ARM's
 * real paging quirks (empty pages with a nextLink, skip tokens that expire), throttling (429 with
 * Retry-After and the SDK's retries), eventual consistency, and that real resources carry every
 * field the mapping reads — those rest on the SDK's models and Microsoft's REST docs.
 */
export interface ArmDouble {
  client: NetworkManagementClient;
  /** Request paths (with query) in order, to assert paging and the calls made. */
  requests: string[];
  /** Authorization headers seen (the static token, so the bearer policy really ran). */
  authorizations: Set<string>;
  close(): Promise<void>;
}

export interface ArmResource {
  id: string;
  name?: string | undefined;
  type?: string;
  properties: Record<string, unknown>;
  /** ExpressRoute gateways: what `getLearnedRoutes` answers (`GatewayRoute` wire objects); not served as a field. */
  learnedRoutes?: unknown[];
}

export interface ArmFault {
  path: RegExp;
  status: number;
  code: string;
}

const TOKEN = 'arm-double-token';
const staticCredential: TokenCredential = {
  getToken: async (): Promise<AccessToken> => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

export async function startArmDouble(opts: {
  dir: string;
  subscription: string;
  resources: ArmResource[];
  pageSize?: number;
  forbidden?: string[];
  /** ARM error answers by request path (decoded, without the query); pick statuses the SDK does not retry. */
  faults?: ArmFault[];
  /** Instead of the static token (e.g. one that fails the way a wrong client secret does). */
  credential?: TokenCredential;
}): Promise<ArmDouble> {
  const ca = createTestCa(opts.dir, 'arm-ca');
  const cert = createServerCert(opts.dir, 'arm', ca);
  const requests: string[] = [];
  const authorizations = new Set<string>();
  const server = createServer(
    { key: readFileSync(cert.keyFile), cert: readFileSync(cert.chainFile) },
    (req: IncomingMessage, res: ServerResponse) => {
      requests.push(req.url ?? '');
      authorizations.add(req.headers.authorization ?? '');
      const [status, body, headers] = answer(req, opts);
      send(res, status, body, headers);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new NetworkManagementClient(opts.credential ?? staticCredential, opts.subscription, {
    endpoint: `https://127.0.0.1:${port}`,
    credentialScopes: ['https://management.azure.com/.default'],
    tlsOptions: { ca: readFileSync(join(opts.dir, 'arm-ca.pem'), 'utf8') },
  });
  return {
    client,
    requests,
    authorizations,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Options = Parameters<typeof startArmDouble>[0];

/** Status, body and extra headers for one request. */
type Answer = [number, unknown, Record<string, string>?];

function answer(req: IncomingMessage, opts: Options): Answer {
  const url = new URL(req.url ?? '/', 'https://arm.test');
  const path = decodeURIComponent(url.pathname).replace(/\/$/, '');
  const fault = opts.faults?.find((f) => f.path.test(path));
  if (fault)
    return [
      fault.status,
      { error: { code: fault.code, message: `${fault.code} (test fault) at '${path}'.` } },
    ];
  const type = resourceTypeOf(path);
  if (type && opts.forbidden?.includes(type))
    return [
      403,
      {
        error: {
          code: 'AuthorizationFailed',
          message: `The client 'flowlens-test' does not have authorization to perform action 'Microsoft.Network/${type}/read' over scope '${path}' or the scope is invalid.`,
        },
      },
    ];
  const learned = learnedRoutes(req, path, opts.resources);
  if (learned) return learned;
  const exact = opts.resources.find((r) => r.id.toLowerCase() === path.toLowerCase());
  if (exact) return [200, { ...exact, learnedRoutes: undefined }];
  const list = listFor(path, opts.resources);
  if (!list) return [404, { error: { code: 'ResourceNotFound', message: `${path} not found` } }];
  const size = opts.pageSize ?? 100;
  const skip = Number(url.searchParams.get('$skiptoken') ?? 0);
  const page = list.slice(skip, skip + size);
  const next = new URL(url);
  next.searchParams.set('$skiptoken', String(skip + size));
  const nextLink =
    skip + size < list.length ? `https://${req.headers.host}${next.pathname}${next.search}` : undefined;
  return [200, { value: page, ...(nextLink ? { nextLink } : {}) }];
}

/**
 * `POST …/virtualNetworkGateways/{gw}/getLearnedRoutes` answers as ARM's long-running operations do:
 * 202 with a Location to poll, which then answers 200 with the routes (the SDK's poller follows it).
 */
function learnedRoutes(req: IncomingMessage, path: string, resources: ArmResource[]): Answer | undefined {
  const post = path.match(/^(.*\/virtualNetworkGateways\/[^/]+)\/getLearnedRoutes$/i);
  if (post && req.method === 'POST') {
    const gw = resources.find((r) => r.id.toLowerCase() === post[1]!.toLowerCase());
    if (!gw) return [404, { error: { code: 'ResourceNotFound', message: `${post[1]} not found` } }];
    const op = `/subscriptions/${gw.id.split('/')[2]}/providers/Microsoft.Network/locations/westeurope/operationResults/learned-${gw.name}`;
    return [
      202,
      {},
      { location: `https://${req.headers.host}${op}?api-version=2024-05-01`, 'retry-after': '0' },
    ];
  }
  const poll = path.match(/\/operationResults\/learned-([^/]+)$/);
  const gw = poll && resources.find((r) => r.name === poll[1] && r.learnedRoutes);
  return gw ? [200, { value: gw.learnedRoutes }] : undefined;
}

/** `…/providers/Microsoft.Network/<type>[/<name>[/connections]]` → `<type>` (connections are their own type). */
function resourceTypeOf(path: string): string | undefined {
  if (/\/virtualNetworkGateways\/[^/]+\/connections$/i.test(path)) return 'connections';
  return path.match(/\/providers\/Microsoft\.Network\/([^/]+)/i)?.[1];
}

function listFor(path: string, resources: ArmResource[]): ArmResource[] | undefined {
  const conn = path.match(/^(.*\/virtualNetworkGateways\/[^/]+)\/connections$/i);
  if (conn)
    return resources.filter(
      (r) =>
        /\/connections\//i.test(r.id) &&
        String((r.properties.virtualNetworkGateway1 as { id?: string })?.id).toLowerCase() ===
          conn[1]!.toLowerCase(),
    );
  const scope = path.match(
    /^(\/subscriptions\/[^/]+(?:\/resourceGroups\/[^/]+)?)\/providers\/Microsoft\.Network\/([^/]+)$/i,
  );
  if (!scope) return undefined;
  const prefix = `${scope[1]!}/`.toLowerCase();
  const kind = `/providers/microsoft.network/${scope[2]!.toLowerCase()}/`;
  return resources.filter((r) => r.id.toLowerCase().startsWith(prefix) && r.id.toLowerCase().includes(kind));
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
