import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';
import { errorResponses } from '../common.js';
import { readIngestHealth } from './health-read.js';
import { readSourceFacts, readSources } from './queries.js';

const Counts = z.object({ total: z.number(), byReason: z.record(z.string(), z.number()) });
const Status = z.enum(['ok', 'late', 'silent']);

const FlowLogHealthSchema = z.object({
  id: z.string().openapi({ description: 'lower-cased ARM id of the NSG or VNet flow log target' }),
  name: z.string(),
  kind: z.enum(['nsg', 'vnet', 'subnet', 'nic', 'flow-log']),
  format: z.string(),
  subscriptionId: z.string(),
  resourceGroup: z.string(),
  status: Status.openapi({
    description:
      'silent: nothing arrived for 2 intervals; late: arriving, but the newest flow is more than 5 intervals old (docs/operations.md)',
  }),
  thresholds: z.object({
    intervalSeconds: z.number().openapi({ description: 'max(poll interval of its sources, 60 s)' }),
    silentAfterSeconds: z.number(),
    lateAfterSeconds: z.number(),
  }),
  newestFlow: z.string(),
  newestArrival: z.string(),
  lagSeconds: z.number().openapi({ description: 'now − newest arrival' }),
  flowLagSeconds: z.number().openapi({ description: 'now − newest flow time' }),
  rowsLastHour: z.number(),
  bytesLastHour: z.number(),
  perMinute: z.array(z.number()).openapi({ description: 'rows per minute of the last hour, oldest first' }),
  rejects: Counts,
  coverage: z.object({
    windowHours: z.number(),
    coveredHours: z.number(),
    share: z.number(),
    enough: z.boolean().openapi({ description: 'share ≥ rules.minCoverage: unused-rule verdicts possible' }),
  }),
  sourceKinds: z.array(z.string()),
  sources: z.number(),
  sourceErrors: z.number(),
  parked: z.boolean(),
});

const IngestHealthSchema = z.object({
  now: z.string(),
  window: z.object({ from: z.string(), to: z.string() }),
  minCoverage: z.number(),
  flowLogs: z.array(FlowLogHealthSchema),
  unattributedRejects: Counts,
  sources: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      pollSeconds: z.number(),
      lagSeconds: z.number().nullable(),
      parked: z.boolean(),
      errors: z.number(),
    }),
  ),
  insertRetries: z.number(),
  datasets: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      source: z.string(),
      dataDate: z.string(),
      loadedAt: z.string(),
      rows: z.number(),
      ageDays: z.number(),
    }),
  ),
});
export type IngestHealthResponse = z.infer<typeof IngestHealthSchema>;

const FlowLogSourcesSchema = z.object({
  flowLog: z.string(),
  total: z.number(),
  rows: z.array(
    z.object({
      source: z.string().openapi({ description: '`<kind>:<key>`: a blob, file or partition' }),
      rows: z.number(),
      bytes: z.number(),
      firstFlow: z.string(),
      newestFlow: z.string(),
      newestArrival: z.string(),
      rejects: z.number(),
      positionUpdatedAt: z.string().nullable(),
    }),
  ),
});
export type FlowLogSources = z.infer<typeof FlowLogSourcesSchema>;

const healthRoute = createRoute({
  method: 'get',
  path: '/api/ingest/health',
  tags: ['ingest'],
  summary: 'One row per flow log: status, lag, last hour per minute, rejects, coverage; enrichment datasets',
  responses: {
    200: { description: 'Ingest health', content: { 'application/json': { schema: IngestHealthSchema } } },
    ...errorResponses,
  },
});

const sourcesRoute = createRoute({
  method: 'get',
  path: '/api/ingest/health/sources',
  tags: ['ingest'],
  summary: "A flow log's blobs, files or partitions over the rules window, newest arrival first",
  request: {
    query: z.object({
      flowLog: z.string().min(1).max(1000),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    }),
  },
  responses: {
    200: { description: 'One page', content: { 'application/json': { schema: FlowLogSourcesSchema } } },
    ...errorResponses,
  },
});

export function registerIngestHealthRoutes(app: ApiApp, deps: ApiDeps, now: () => Date): void {
  app.openapi(healthRoute, async (c) => {
    const body = await readIngestHealth({ db: deps.db, config: deps.config, metrics: deps.metrics }, now());
    return c.json(body satisfies IngestHealthResponse, 200);
  });
  app.openapi(sourcesRoute, async (c) => {
    const q = c.req.valid('query');
    const t = now();
    const w = { from: new Date(t.getTime() - deps.config.rules.windowDays * 86_400_000), to: t };
    const page = await readSources(deps.db, q.flowLog, w, q);
    const facts = await readSourceFacts(
      deps.db,
      page.rows.map((r) => r.source),
      w,
    );
    const rows = page.rows.map((r) => ({
      source: r.source,
      rows: r.rows,
      bytes: r.bytes,
      firstFlow: r.first_flow,
      newestFlow: r.newest_flow,
      newestArrival: r.newest_arrival,
      rejects: facts.rejects.get(r.source) ?? 0,
      positionUpdatedAt: facts.positions.get(r.source) ?? null,
    }));
    return c.json({ flowLog: q.flowLog, total: page.total, rows }, 200);
  });
}
