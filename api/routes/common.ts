import { z } from '@hono/zod-openapi';
import { ApiError } from '../errors.js';
import type { FilterNode } from '../filter/ast.js';
import { FilterError } from '../filter/errors.js';
import { parseFilter } from '../filter/parse.js';
import { parseWindow, type TimeWindow } from '../query/time.js';

export const MetricSchema = z.enum(['bytes', 'flows', 'packets']).default('bytes');

/** Query parameters every traffic read takes. */
export const WindowQuerySchema = z.object({
  from: z
    .string()
    .max(40)
    .optional()
    .openapi({ description: 'ISO-8601 or now-<n><s|m|h|d|w>; default now-24h', example: 'now-24h' }),
  to: z.string().max(40).optional().openapi({ description: 'ISO-8601 or now; default now', example: 'now' }),
  filter: z.string().max(16_000).optional().openapi({
    description: 'Filter expression (docs/api.md#filter-language)',
    example: 'action = deny AND dst_port IN (22, 3389) AND src_ip !<< 10.0.0.0/8',
  }),
});

export const WindowSchema = z.object({ from: z.string(), to: z.string() });

/** Parses the filter parameter, turning a parse problem into a 400 with its position. */
export function filterParam(text: string | undefined): FilterNode | null {
  try {
    return parseFilter(text ?? '');
  } catch (err) {
    if (err instanceof FilterError) {
      throw new ApiError(400, 'invalid_filter', err.message, err.position);
    }
    throw err;
  }
}

export function windowParam(
  q: { from?: string | undefined; to?: string | undefined },
  now: Date,
): TimeWindow {
  return parseWindow(q.from, q.to, now);
}

export function windowJson(w: TimeWindow): { from: string; to: string } {
  return { from: w.from.toISOString(), to: w.to.toISOString() };
}

export const errorResponses = {
  400: { description: 'Invalid request or filter (error envelope)' },
  401: { description: 'No or unknown credentials' },
  403: { description: 'Role too low' },
  429: { description: 'Rate limited' },
} as const;

/** A comma-separated query parameter whose items must all be one of `values` (400 names the first bad one). */
export const csvQuery = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .max(200)
    .optional()
    .transform((s, ctx) => {
      const items = s ? s.split(',').filter(Boolean) : [];
      const bad = items.filter((i) => !values.includes(i as T));
      if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown value ${bad[0]}` });
      return items as T[];
    });
