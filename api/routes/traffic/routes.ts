import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';
import {
  errorResponses,
  filterParam,
  MetricSchema,
  WindowQuerySchema,
  WindowSchema,
  windowJson,
  windowParam,
} from '../common.js';
import { DIMENSION_NAMES, SPLIT_NAMES } from './dimensions.js';
import { subnetMatrix } from './matrix.js';
import { timeSeries, topN } from './queries.js';

const KeySchema = z.record(z.string(), z.union([z.string(), z.number()]));
const SourceSchema = z.object({
  table: z.enum(['flows', 'flows_1m', 'flows_1h', 'flows_remote_1h']),
  resolution: z.number(),
});

export const SeriesResponseSchema = z.object({
  window: WindowSchema,
  source: SourceSchema,
  step: z.number().openapi({ description: 'Bucket width in seconds' }),
  series: z.array(
    z.object({ key: KeySchema, total: z.number(), points: z.array(z.tuple([z.string(), z.number()])) }),
  ),
});
export type SeriesResponse = z.infer<typeof SeriesResponseSchema>;

export const TopResponseSchema = z.object({
  window: WindowSchema,
  source: SourceSchema,
  rows: z.array(
    z.object({
      key: KeySchema,
      value: z.number(),
      denied: z.number(),
      flows: z.number(),
      bytes: z.number(),
      packets: z.number(),
    }),
  ),
});
export type TopResponse = z.infer<typeof TopResponseSchema>;

export const MatrixResponseSchema = z.object({
  window: WindowSchema,
  cells: z.array(z.object({ src: z.string(), dst: z.string(), allowed: z.number(), denied: z.number() })),
});
export type MatrixResponse = z.infer<typeof MatrixResponseSchema>;

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  200: { description, content: { 'application/json': { schema } } },
  ...errorResponses,
});

const seriesRoute = createRoute({
  method: 'get',
  path: '/api/traffic/series',
  tags: ['traffic'],
  summary: 'Traffic over time, split by action/direction/NSG/rule/port/host',
  request: {
    query: WindowQuerySchema.extend({
      metric: MetricSchema,
      split: z.enum(SPLIT_NAMES).default('action_direction'),
    }),
  },
  responses: json(SeriesResponseSchema, 'Bucketed series'),
});

const topRoute = createRoute({
  method: 'get',
  path: '/api/traffic/top',
  tags: ['traffic'],
  summary: 'Top talkers, ports, rules, NSGs or conversations',
  request: {
    query: WindowQuerySchema.extend({
      metric: MetricSchema,
      dimension: z.enum(DIMENSION_NAMES).default('local_ip'),
      limit: z.coerce.number().int().min(1).max(1000).default(20),
    }),
  },
  responses: json(TopResponseSchema, 'Top-N rows, largest first'),
});

const matrixRoute = createRoute({
  method: 'get',
  path: '/api/traffic/matrix',
  tags: ['traffic'],
  summary: 'Traffic between subnets (segmentation), allowed vs denied',
  request: {
    query: WindowQuerySchema.extend({
      metric: MetricSchema,
      prefix: z.coerce
        .number()
        .pipe(z.union([z.literal(8), z.literal(16), z.literal(24)]))
        .default(24),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
    }),
  },
  responses: json(MatrixResponseSchema, 'Subnet pairs, largest first'),
});

export function registerTrafficRoutes(app: ApiApp, deps: ApiDeps, now: () => Date): void {
  app.openapi(seriesRoute, async (c) => {
    const q = c.req.valid('query');
    const window = windowParam(q, now());
    const r = await timeSeries(deps.db, {
      window,
      filter: filterParam(q.filter),
      metric: q.metric,
      split: q.split,
    });
    return c.json({ window: windowJson(window), ...r }, 200);
  });
  app.openapi(topRoute, async (c) => {
    const q = c.req.valid('query');
    const window = windowParam(q, now());
    const input = {
      window,
      filter: filterParam(q.filter),
      metric: q.metric,
      dimension: q.dimension,
      limit: q.limit,
    };
    const r = await topN(deps.db, input);
    return c.json({ window: windowJson(window), ...r }, 200);
  });
  app.openapi(matrixRoute, async (c) => {
    const q = c.req.valid('query');
    const window = windowParam(q, now());
    const input = {
      window,
      filter: filterParam(q.filter),
      metric: q.metric,
      prefix: q.prefix,
      limit: q.limit,
    };
    return c.json({ window: windowJson(window), cells: await subnetMatrix(deps.db, input) }, 200);
  });
}
