import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';
import { ApiError } from '../../errors.js';
import { errorResponses, WindowSchema, windowJson, windowParam } from '../common.js';
import type { InventoryRule, RuleReportFormat } from './provider.js';
import { ruleHits } from './queries.js';

export const RuleRowSchema = z.object({
  nsg: z.string(),
  rule_name: z.string(),
  rule_kind: z.string(),
  flows: z.number(),
  allowed: z.number(),
  denied: z.number(),
  bytes: z.number(),
  lastHit: z.string().nullable(),
  inInventory: z.boolean(),
  inventory: z.record(z.string(), z.unknown()).optional(),
});
export type RuleRow = z.infer<typeof RuleRowSchema>;
export const RulesResponseSchema = z.object({
  window: WindowSchema,
  inventoryAvailable: z.boolean(),
  rules: z.array(RuleRowSchema),
});
export type RulesResponse = z.infer<typeof RulesResponseSchema>;

const RuleSpecSchema = z.looseObject({
  name: z.string(),
  priority: z.number(),
  direction: z.string(),
  access: z.string(),
  protocol: z.string(),
  sourceAddresses: z.array(z.string()),
  sourcePorts: z.array(z.string()),
  destinationAddresses: z.array(z.string()),
  destinationPorts: z.array(z.string()),
});
/** The fields of analyze/rules' Recommendation the dashboards show; the rest passes through. */
export const RecommendationSchema = z.looseObject({
  id: z.string(),
  nsg: z.string(),
  rule: z.string(),
  category: z.string(),
  severity: z.string(),
  action: z.string(),
  reason: z.string(),
  current: RuleSpecSchema,
  proposed: RuleSpecSchema.nullable(),
  whatIf: z.looseObject({ newlyDeniedCount: z.number(), replayedFlows: z.number() }).nullable(),
  commands: z.object({ az: z.string(), bicep: z.string(), terraform: z.string() }),
});
export type Recommendation = z.infer<typeof RecommendationSchema>;

const WindowOnly = z.object({
  from: z.string().max(40).optional().openapi({ example: 'now-30d' }),
  to: z.string().max(40).optional(),
  nsg: z.string().max(200).optional(),
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/rules',
  tags: ['rules'],
  summary: 'Rules with hit counts (from the rollups) joined to the NSG inventory when imported',
  request: { query: WindowOnly },
  responses: {
    200: { description: 'Rules', content: { 'application/json': { schema: RulesResponseSchema } } },
    ...errorResponses,
  },
});

const recommendationsRoute = createRoute({
  method: 'get',
  path: '/api/rules/recommendations',
  tags: ['rules'],
  summary: 'Unused and overly permissive rules with proposed rules and what-if',
  request: { query: WindowOnly },
  responses: {
    200: {
      description: 'Recommendations',
      content: { 'application/json': { schema: z.array(RecommendationSchema) } },
    },
    501: { description: 'Rules analysis not wired in this build' },
    ...errorResponses,
  },
});

const REPORT_TYPES: Record<RuleReportFormat, string> = {
  json: 'application/json',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

const reportRoute = createRoute({
  method: 'get',
  path: '/api/rules/report',
  tags: ['rules'],
  summary: 'The rule report (json, md, html or csv) as a download',
  request: { query: WindowOnly.extend({ format: z.enum(['json', 'md', 'html', 'csv']).default('md') }) },
  responses: {
    200: { description: 'Report', content: { 'text/plain': { schema: z.string() } } },
    501: { description: 'Rules analysis not wired in this build' },
    ...errorResponses,
  },
});

export function registerRuleRoutes(app: ApiApp, deps: ApiDeps, now: () => Date): void {
  const window = (q: { from?: string | undefined; to?: string | undefined }) =>
    windowParam({ from: q.from ?? 'now-30d', to: q.to }, now());
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    const w = window(q);
    const hits = await ruleHits(deps.db, w, q.nsg);
    const inventory = deps.rules?.inventory ? await deps.rules.inventory() : null;
    const rules = mergeInventory(hits, inventory, q.nsg);
    return c.json({ window: windowJson(w), inventoryAvailable: inventory !== null, rules }, 200);
  });
  app.openapi(recommendationsRoute, async (c) => {
    if (!deps.rules) throw notWired();
    const q = c.req.valid('query');
    const all = (await deps.rules.recommendations(window(q))) as Recommendation[];
    return c.json(q.nsg ? all.filter((r) => r.nsg === q.nsg) : all, 200);
  });
  app.openapi(reportRoute, async (c) => {
    if (!deps.rules) throw notWired();
    const q = c.req.valid('query');
    const body = await deps.rules.report(window(q), q.format);
    return c.body(body, 200, {
      'Content-Type': REPORT_TYPES[q.format],
      'Content-Disposition': `attachment; filename="rule-report.${q.format}"`,
    });
  });
}

function notWired(): ApiError {
  return new ApiError(501, 'not_available', 'rule recommendations are not available: import NSG rules first');
}

/** Hit counts joined to the inventory by (nsg, rule name); inventory rules without hits show 0. */
function mergeInventory(hits: RuleRow[], inventory: InventoryRule[] | null, nsg?: string): RuleRow[] {
  if (!inventory) return hits;
  const byKey = new Map(hits.map((h) => [`${h.nsg}\u0000${h.rule_name}`, h]));
  const out: RuleRow[] = [];
  for (const rule of inventory) {
    if (nsg && rule.nsg !== nsg) continue;
    const key = `${rule.nsg}\u0000${rule.name}`;
    const hit = byKey.get(key);
    byKey.delete(key);
    out.push({
      ...(hit ?? {
        nsg: rule.nsg,
        rule_name: rule.name,
        rule_kind: typeof rule.kind === 'string' ? rule.kind : 'user',
        flows: 0,
        allowed: 0,
        denied: 0,
        bytes: 0,
        lastHit: null,
      }),
      inInventory: true,
      inventory: rule,
    });
  }
  return [...out, ...byKey.values()];
}
