import { createRoute, z } from '@hono/zod-openapi';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';
import { ApiError } from '../../errors.js';
import { fieldsOf } from '../../filter/ast.js';
import { FilterError } from '../../filter/errors.js';
import { FIELDS, fieldSpec, operatorsFor } from '../../filter/fields.js';
import { parseFilter } from '../../filter/parse.js';
import { ROLLUP_COLUMNS } from '../../query/source.js';
import { errorResponses, windowParam } from '../common.js';
import { topValues } from './queries.js';

export const FieldInfoSchema = z.object({
  name: z.string(),
  type: z.string(),
  operators: z.array(z.string()),
  values: z.array(z.string()).optional(),
  rollup: z.boolean(),
  description: z.string(),
});
export const CompletionSchema = z.object({
  fields: z.array(FieldInfoSchema),
  keywords: z.array(z.string()),
  values: z.array(z.object({ value: z.string(), count: z.number() })),
});
export type Completion = z.infer<typeof CompletionSchema>;
export const ValidationSchema = z.object({
  valid: z.boolean(),
  message: z.string().optional(),
  position: z.number().optional(),
  fields: z.array(z.string()),
  rollupEligible: z.boolean(),
});
export type Validation = z.infer<typeof ValidationSchema>;

const completeRoute = createRoute({
  method: 'get',
  path: '/api/filter/complete',
  tags: ['filter'],
  summary: 'Completion for the filter bar: fields, operators, keywords and top values of a field',
  request: {
    query: z.object({
      field: z.string().max(50).optional(),
      prefix: z.string().max(100).default(''),
      from: z.string().max(40).optional(),
      to: z.string().max(40).optional(),
    }),
  },
  responses: {
    200: { description: 'Suggestions', content: { 'application/json': { schema: CompletionSchema } } },
    ...errorResponses,
  },
});

const validateRoute = createRoute({
  method: 'get',
  path: '/api/filter/validate',
  tags: ['filter'],
  summary: 'Parse a filter expression and report the first problem with its position',
  request: { query: z.object({ filter: z.string().max(16_000).default('') }) },
  responses: {
    200: { description: 'Validation result', content: { 'application/json': { schema: ValidationSchema } } },
    ...errorResponses,
  },
});

const FIELD_INFO = FIELDS.map((f) => ({
  name: f.name,
  type: f.type,
  operators: operatorsFor(f.type),
  ...(f.values ? { values: [...f.values] } : {}),
  rollup: f.rollup,
  description: f.description,
}));

export function registerFilterRoutes(app: ApiApp, deps: ApiDeps, now: () => Date): void {
  app.openapi(completeRoute, async (c) => {
    const q = c.req.valid('query');
    const keywords = ['AND', 'OR', 'NOT', 'IN', 'LIKE'];
    if (!q.field) return c.json({ fields: FIELD_INFO, keywords, values: [] }, 200);
    const spec = fieldSpec(q.field);
    if (!spec) throw new ApiError(400, 'invalid_request', `unknown field ${q.field}`);
    const w = windowParam({ from: q.from ?? 'now-24h', to: q.to }, now());
    const values = spec.values
      ? spec.values.filter((v) => v.startsWith(q.prefix)).map((value) => ({ value, count: 0 }))
      : spec.suggest
        ? await topValues(deps, spec, q.prefix, w)
        : [];
    return c.json({ fields: FIELD_INFO.filter((f) => f.name === spec.name), keywords, values }, 200);
  });
  app.openapi(validateRoute, (c) => {
    const { filter } = c.req.valid('query');
    try {
      const fields = [...fieldsOf(parseFilter(filter))];
      return c.json({ valid: true, fields, rollupEligible: fields.every((f) => ROLLUP_COLUMNS.has(f)) }, 200);
    } catch (err) {
      if (!(err instanceof FilterError)) throw err;
      return c.json(
        { valid: false, message: err.message, position: err.position, fields: [], rollupEligible: false },
        200,
      );
    }
  });
}
