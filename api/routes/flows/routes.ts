import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';
import { ApiError } from '../../errors.js';
import {
  errorResponses,
  filterParam,
  WindowQuerySchema,
  WindowSchema,
  windowJson,
  windowParam,
} from '../common.js';
import { decodeCursor } from './cursor.js';
import { type ExportSlots, exportStream } from './export-stream.js';
import { exportFlows, searchFlows } from './queries.js';

export const FlowRowSchema = z.object({
  time: z.string(),
  src_ip: z.string(),
  src_port: z.number(),
  dst_ip: z.string(),
  dst_port: z.number(),
  protocol: z.number(),
  direction: z.string(),
  action: z.string(),
  state: z.string(),
  bytes_sent: z.number(),
  bytes_received: z.number(),
  packets_sent: z.number(),
  packets_received: z.number(),
  nsg: z.string(),
  rule: z.string(),
  rule_name: z.string(),
  remote_is_public: z.boolean(),
  mac: z.string(),
  format: z.string(),
  subscription_id: z.string(),
  resource_group: z.string(),
  flow_log: z.string(),
  source: z.string(),
  record_offset: z.number(),
  tuple_index: z.number(),
  remote_country: z
    .string()
    .describe('ISO 3166-1 alpha-2 of the peer address; empty when unknown or private'),
  remote_asn: z.number().describe('AS number of the peer address; 0 when unknown'),
  remote_as_name: z.string(),
  service_tag: z.string().describe('Most specific Azure service tag of the peer; empty when none'),
  threat_lists: z.array(z.string()).describe('Threat-intel lists the peer address is on'),
  flow_type: z.string().describe('Traffic Analytics flow type (docs/enrichment.md)'),
  connection_type: z
    .string()
    .describe('Traffic Analytics connection type: VNetPeering, VpnGateway, ExpressRoute; empty otherwise'),
});

export const FlowPageSchema = z.object({
  window: WindowSchema,
  rows: z.array(FlowRowSchema),
  nextCursor: z
    .string()
    .nullable()
    .openapi({ description: 'Pass as cursor for the next page; null at the end' }),
});
export type FlowPage = z.infer<typeof FlowPageSchema>;

const OrderSchema = z.enum(['desc', 'asc']).default('desc');

const searchRoute = createRoute({
  method: 'get',
  path: '/api/flows',
  tags: ['flows'],
  summary: 'Search raw flows (keyset pagination on time + source position)',
  request: {
    query: WindowQuerySchema.extend({
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor: z.string().max(1000).optional(),
      order: OrderSchema,
    }),
  },
  responses: {
    200: { description: 'A page of flows', content: { 'application/json': { schema: FlowPageSchema } } },
    ...errorResponses,
  },
});

const exportRoute = createRoute({
  method: 'get',
  path: '/api/flows/export',
  tags: ['flows'],
  summary: 'Export flows as CSV or NDJSON (streamed)',
  request: {
    query: WindowQuerySchema.extend({
      format: z.enum(['csv', 'ndjson']).default('csv'),
      limit: z.coerce.number().int().min(1).optional(),
      order: OrderSchema,
    }),
  },
  responses: {
    200: {
      description: 'Streamed rows',
      content: { 'text/csv': { schema: z.string() }, 'application/x-ndjson': { schema: z.string() } },
    },
    ...errorResponses,
  },
});

export function registerFlowRoutes(app: ApiApp, deps: ApiDeps, now: () => Date): void {
  const slots: ExportSlots = { running: 0 };
  app.openapi(searchRoute, async (c) => {
    const q = c.req.valid('query');
    const window = windowParam(q, now());
    const page = await searchFlows(deps.db, {
      window,
      filter: filterParam(q.filter),
      order: q.order,
      limit: q.limit,
      ...(q.cursor ? { cursor: decodeCursor(q.cursor) } : {}),
    });
    return c.json({ window: windowJson(window), ...page } as FlowPage, 200);
  });
  app.openapi(exportRoute, async (c) => {
    const q = c.req.valid('query');
    const window = windowParam(q, now());
    const maxRows = Math.min(q.limit ?? deps.config.api.exportMaxRows, deps.config.api.exportMaxRows);
    const filter = filterParam(q.filter);
    const csv = q.format === 'csv';
    const headers = {
      'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'Content-Disposition': `attachment; filename="flows.${csv ? 'csv' : 'ndjson'}"`,
    };
    // Hono answers HEAD by running this handler and dropping the body: start no export for it.
    if (c.req.method === 'HEAD') return new Response(null, { status: 200, headers });
    if (slots.running >= deps.config.api.exportConcurrency) {
      c.header('Retry-After', '5');
      throw new ApiError(
        429,
        'rate_limited',
        `${slots.running} exports are running; try again when one ends`,
      );
    }
    const rows = exportFlows(deps.db, {
      window,
      filter,
      order: q.order,
      maxRows,
      format: q.format,
      pageRows: deps.config.api.exportPageRows,
    });
    const body = exportStream(rows, {
      slots,
      signal: c.req.raw.signal,
      idleMs: deps.config.api.exportIdleSeconds * 1000,
    });
    return new Response(body, { status: 200, headers });
  });
}
