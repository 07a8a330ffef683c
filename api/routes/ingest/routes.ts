import { createRoute, z } from '@hono/zod-openapi';
import type { Counter, Gauge } from 'prom-client';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';
import { ParamBag } from '../../query/params.js';
import { readRows } from '../../query/run.js';
import { chTime, isoTime } from '../../query/time.js';
import { errorResponses, WindowSchema, windowJson, windowParam } from '../common.js';
import { registerIngestHealthRoutes } from './health.js';
import { readSourceSeries, SourceSeriesSchema, worstLag } from './source-series.js';

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
    const p = new ParamBag();
    const range = `time >= ${p.add('DateTime64(3)', chTime(w.from))} AND time < ${p.add('DateTime64(3)', chTime(w.to))}`;
    const [sources, positions, rejects] = await Promise.all([
      readRows<Record<string, string | number>>(
        deps.db,
        `SELECT source, count() AS n, max(time) AS newest, max(ingested_at) AS ingested FROM flows WHERE ${range} GROUP BY source ORDER BY source`,
        p.values,
      ),
      readRows<Record<string, string>>(
        deps.db,
        'SELECT source_kind, source_key, updated_at FROM ingest_positions FINAL ORDER BY updated_at DESC LIMIT 500',
        {},
      ),
      readRows<{ reason: string; n: number }>(
        deps.db,
        `SELECT reason, count() AS n FROM rejects WHERE ${range} GROUP BY reason ORDER BY n DESC`,
        p.values,
      ),
    ]);
    const byReason = Object.fromEntries(rejects.map((r) => [r.reason, Number(r.n)]));
    const sourceSeries = await readSourceSeries(deps.metrics);
    return c.json(
      {
        window: windowJson(w),
        sources: sources.map((s) => ({
          source: String(s.source),
          rows: Number(s.n),
          newestFlow: isoTime(String(s.newest)),
          lastIngested: isoTime(String(s.ingested)),
          lagSeconds: Math.max(0, Math.round((t.getTime() - Date.parse(isoTime(String(s.newest)))) / 1000)),
        })),
        positions: positions.map((r) => ({
          sourceKind: r.source_kind ?? '',
          sourceKey: r.source_key ?? '',
          updatedAt: isoTime(String(r.updated_at)),
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
    const p = new ParamBag();
    const reason = q.reason ? ` AND reason = ${p.add('String', q.reason)}` : '';
    const rows = await readRows<Record<string, string | number>>(
      deps.db,
      `SELECT * FROM rejects WHERE time >= ${p.add('DateTime64(3)', chTime(w.from))} AND time < ` +
        `${p.add('DateTime64(3)', chTime(w.to))}${reason} ORDER BY time DESC LIMIT ${p.add('UInt32', q.limit)}`,
      p.values,
    );
    const out = rows.map((r) => ({
      time: isoTime(String(r.time)),
      sourceKind: String(r.source_kind),
      source: String(r.source),
      offset: Number(r.offset),
      recordIndex: Number(r.record_index),
      tupleIndex: Number(r.tuple_index),
      reason: String(r.reason),
      detail: String(r.detail),
      excerpt: String(r.excerpt),
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
