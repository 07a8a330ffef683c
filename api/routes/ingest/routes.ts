import { createRoute, z } from '@hono/zod-openapi';
import type { Counter, Gauge } from 'prom-client';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';
import { errorResponses, WindowSchema, windowJson, windowParam } from '../common.js';
import { registerIngestHealthRoutes } from './health.js';
import { readSourceSeries, SourceSeriesSchema, worstLag } from './source-series.js';
import { latestRejects, recentPositions, rejectsByReason, rowsBySource } from './status-queries.js';

export const IngestStatusSchema = z.object({
  window: WindowSchema,
  sources: z.array(
    z.object({
      source: z.string(),
      rows: z.number(),
      newestFlow: z.string(),
      lastIngested: z.string(),
      lagSeconds: z.number().openapi({ description: 'now − newest flow time' }),
    }),
  ),
  positions: z.array(z.object({ sourceKind: z.string(), sourceKey: z.string(), updatedAt: z.string() })),
  rejects: z.object({ total: z.number(), byReason: z.record(z.string(), z.number()) }),
  reportedLagSeconds: z
    .record(z.string(), z.number())
    .openapi({ description: 'flowlens_source_lag_seconds: the largest per configured source' }),
  sourceSeries: z.record(z.string(), SourceSeriesSchema).openapi({
    description:
      'This process since start, by configured source: the series every source exports (flowlens_source_*)',
  }),
  parkedSources: z
    .array(z.string())
    .openapi({ description: 'sources parked after failing repeatedly (flowlens_source_parked = 1)' }),
  reportedRows: z.record(z.string(), z.object({ committed: z.number(), duplicates: z.number() })).openapi({
    description:
      'This process since start, by source kind: rows committed (flowlens_rows_total) and rows of ranges ' +
      'already stored, so not stored again (flowlens_duplicate_rows_total)',
  }),
});
export type IngestStatus = z.infer<typeof IngestStatusSchema>;

export const RejectRowSchema = z.object({
  time: z.string(),
  sourceKind: z.string(),
  source: z.string(),
  offset: z.number(),
  recordIndex: z.number(),
  tupleIndex: z.number(),
  reason: z.string(),
  detail: z.string(),
  excerpt: z.string(),
});
export type RejectRow = z.infer<typeof RejectRowSchema>;

const Window = z.object({ from: z.string().max(40).optional(), to: z.string().max(40).optional() });

const statusRoute = createRoute({
  method: 'get',
  path: '/api/ingest/status',
  tags: ['ingest'],
  summary: 'Sources, lag, positions and rejects (default: last 24 h)',
  request: { query: Window },
  responses: {
    200: { description: 'Ingest health', content: { 'application/json': { schema: IngestStatusSchema } } },
    ...errorResponses,
  },
});

const rejectsRoute = createRoute({
  method: 'get',
  path: '/api/ingest/rejects',
  tags: ['ingest'],
  summary: 'Recent rejects (dead letter) with position and reason',
  request: {
    query: Window.extend({
      reason: z.string().max(50).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: {
    200: {
      description: 'Rejects, newest first',
      content: { 'application/json': { schema: z.object({ rows: z.array(RejectRowSchema) }) } },
    },
    ...errorResponses,
  },
});

export function registerIngestRoutes(app: ApiApp, deps: ApiDeps, now: () => Date): void {
  registerIngestHealthRoutes(app, deps, now);
  app.openapi(statusRoute, async (c) => {
    const t = now();
    const w = windowParam(c.req.valid('query'), t);
    const [sources, positions, rejects] = await Promise.all([
      rowsBySource(deps.db, w),
      recentPositions(deps.db),
      rejectsByReason(deps.db, w),
    ]);
    const byReason = Object.fromEntries(rejects.map((r) => [r.reason, r.n]));
    const sourceSeries = await readSourceSeries(deps.metrics);
    return c.json(
      {
        window: windowJson(w),
        sources: sources.map((s) => ({
          source: s.source,
          rows: s.n,
          newestFlow: s.newest,
          lastIngested: s.ingested,
          lagSeconds: Math.max(0, Math.round((t.getTime() - Date.parse(s.newest)) / 1000)),
        })),
        positions: positions.map((r) => ({
          sourceKind: r.source_kind,
          sourceKey: r.source_key,
          updatedAt: r.updated_at,
        })),
        rejects: { total: Object.values(byReason).reduce((a, b) => a + b, 0), byReason },
        reportedLagSeconds: worstLag(sourceSeries),
        sourceSeries,
        parkedSources: await parkedSources(deps),
        reportedRows: await reportedRows(deps),
      },
      200,
    );
  });
  app.openapi(rejectsRoute, async (c) => {
    const q = c.req.valid('query');
    const w = windowParam(q, now());
    const rows = await latestRejects(deps.db, w, q.limit, q.reason);
    const out = rows.map((r) => ({
      time: r.time,
      sourceKind: r.source_kind,
      source: r.source,
      offset: r.offset,
      recordIndex: r.record_index,
      tupleIndex: r.tuple_index,
      reason: r.reason,
      detail: r.detail,
      excerpt: r.excerpt,
    }));
    return c.json({ rows: out }, 200);
  });
}

async function parkedSources(deps: ApiDeps): Promise<string[]> {
  const gauge = deps.metrics.registry.getSingleMetric('flowlens_source_parked') as Gauge | undefined;
  if (!gauge) return [];
  return (await gauge.get()).values.filter((v) => v.value === 1).map((v) => String(v.labels.source ?? ''));
}

/** Committed and duplicate row counters of this process, by source kind (what its sinks really stored). */
async function reportedRows(
  deps: ApiDeps,
): Promise<Record<string, { committed: number; duplicates: number }>> {
  const out: Record<string, { committed: number; duplicates: number }> = {};
  const read = async (name: string, field: 'committed' | 'duplicates') => {
    const counter = deps.metrics.registry.getSingleMetric(name) as Counter | undefined;
    for (const v of counter ? (await counter.get()).values : []) {
      const kind = String(v.labels.source ?? '');
      out[kind] ??= { committed: 0, duplicates: 0 };
      out[kind][field] += v.value;
    }
  };
  await read('flowlens_rows_total', 'committed');
  await read('flowlens_duplicate_rows_total', 'duplicates');
  return out;
}
