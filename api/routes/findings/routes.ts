import { createRoute, z } from '@hono/zod-openapi';
import { lookupAddress } from '../../../core/enrich/lookup.js';
import { FINDING_STATUSES, FindingSchema, SEVERITIES } from '../../../core/finding.js';
import { BadCursorError, queryFindings } from '../../../core/findings/page.js';
import { FINDING_SORTS } from '../../../core/findings/queries.js';
import type { StoredFinding } from '../../../core/findings/rows.js';
import { setFindingStatus } from '../../../core/findings/status.js';
import { findingEvents, readFindings } from '../../../core/findings/store.js';
import type { AuditLog } from '../../audit/log.js';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';
import { ApiError } from '../../errors.js';
import { csvQuery, errorResponses, filterParam } from '../common.js';
import { searchFlows } from '../flows/queries.js';
import { FlowRowSchema } from '../flows/routes.js';
import { evidenceWindow, subjectFilter } from './evidence.js';

export const TriagedFindingSchema = FindingSchema.extend({
  statusBy: z.string(),
  statusReason: z.string(),
  statusAt: z.string(),
  detections: z.number(),
});
export const HistoryEventSchema = z.object({
  kind: z.string().openapi({ description: 'detected | redetected | status' }),
  status: z.enum(FINDING_STATUSES),
  actor: z.string(),
  reason: z.string(),
  at: z.string(),
});
export const FindingListSchema = z.object({
  total: z.number(),
  counts: z.object({
    bySeverity: z.record(z.string(), z.number()),
    byStatus: z.record(z.string(), z.number()),
  }),
  items: z.array(TriagedFindingSchema),
  nextCursor: z
    .string()
    .nullable()
    .openapi({ description: 'Pass as `cursor` for the next page; null on the last' }),
});
export type FindingList = z.infer<typeof FindingListSchema>;
export const FindingDetailSchema = z.object({
  finding: TriagedFindingSchema,
  history: z.array(HistoryEventSchema),
  evidence: z.object({ filter: z.string(), from: z.string(), to: z.string(), flows: z.array(FlowRowSchema) }),
  /** Who the subject's remote address is (enrichment dictionaries); absent when the finding names none. */
  peer: z
    .object({
      ip: z.string(),
      country: z.string(),
      asn: z.number(),
      asName: z.string(),
      serviceTag: z.string(),
      threatLists: z.array(z.string()),
    })
    .optional(),
});
export type FindingDetail = z.infer<typeof FindingDetailSchema>;
export const StatusChangeSchema = z.object({
  status: z.enum(FINDING_STATUSES),
  comment: z.string().max(2000).default(''),
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/findings',
  tags: ['findings'],
  summary: 'Findings (triage queue): severity, then most recent first, unless sorted otherwise',
  request: {
    query: z.object({
      status: csvQuery(FINDING_STATUSES).openapi({ description: 'Comma-separated, e.g. open,acknowledged' }),
      severity: csvQuery(SEVERITIES),
      category: z.string().max(100).optional(),
      q: z.string().max(200).optional().openapi({ description: 'Text in title, reason or subject' }),
      sort: z.enum(FINDING_SORTS).default('severity').openapi({ description: 'Column to sort by' }),
      order: z.enum(['asc', 'desc']).default('desc'),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      offset: z.coerce.number().int().min(0).max(100_000).default(0),
      cursor: z.string().max(2000).optional().openapi({ description: '`nextCursor` of the previous page' }),
    }),
  },
  responses: {
    200: { description: 'Matching findings', content: { 'application/json': { schema: FindingListSchema } } },
    ...errorResponses,
  },
});

const IdParam = z.object({ id: z.string().min(1).max(200) });

const detailRoute = createRoute({
  method: 'get',
  path: '/api/findings/{id}',
  tags: ['findings'],
  summary: 'One finding with its triage history and evidence flows',
  request: { params: IdParam },
  responses: {
    200: { description: 'The finding', content: { 'application/json': { schema: FindingDetailSchema } } },
    404: { description: 'No such finding' },
    ...errorResponses,
  },
});

const statusRoute = createRoute({
  method: 'post',
  path: '/api/findings/{id}/status',
  tags: ['findings'],
  summary: 'Acknowledge, resolve, suppress or reopen (analyst); recorded with who and when',
  request: {
    params: IdParam,
    body: { content: { 'application/json': { schema: StatusChangeSchema } }, required: true },
  },
  responses: {
    200: { description: 'Updated finding', content: { 'application/json': { schema: FindingDetailSchema } } },
    404: { description: 'No such finding' },
    ...errorResponses,
  },
});

export function registerFindingRoutes(app: ApiApp, deps: ApiDeps, now: () => Date, audit: AuditLog): void {
  const client = deps.db.client;
  app.openapi(listRoute, async (c) => {
    const q = c.req.valid('query');
    if (q.cursor && q.offset)
      throw new ApiError(400, 'invalid_request', 'use either cursor or offset, not both');
    const page = await queryFindings(client, q).catch((e: unknown) => {
      throw e instanceof BadCursorError ? new ApiError(400, 'invalid_request', e.message) : e;
    });
    return c.json({ ...page, items: page.items.map(flatten) }, 200);
  });
  const detail = async (id: string) => {
    const stored = (await readFindings(client, [id])).get(id);
    if (!stored) throw new ApiError(404, 'not_found', 'no such finding');
    const finding = flatten(stored);
    const filter = subjectFilter(finding.subject);
    const window = evidenceWindow(finding.firstSeen, finding.lastSeen);
    const flows = await searchFlows(deps.db, {
      window,
      filter: filterParam(filter),
      order: 'asc',
      limit: 100,
    });
    const [peer] = finding.subject.remoteIp
      ? await lookupAddress(deps.db.client, [finding.subject.remoteIp])
      : [];
    return {
      finding,
      history: (await findingEvents(client, id)).map(({ time, severity: _, ...e }) => ({
        ...e,
        at: time.toISOString(),
      })),
      evidence: { filter, from: window.from.toISOString(), to: window.to.toISOString(), flows: flows.rows },
      ...(peer ? { peer } : {}),
    } as FindingDetail;
  };
  app.openapi(detailRoute, async (c) => c.json(await detail(c.req.valid('param').id), 200));
  app.openapi(statusRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    if (body.status === 'suppressed' && !body.comment.trim()) {
      throw new ApiError(400, 'invalid_request', 'suppressing needs a comment saying why');
    }
    const change = {
      id,
      status: body.status,
      actor: c.get('principal').name,
      reason: body.comment,
      now: now(),
    };
    if (!(await setFindingStatus(client, change))) {
      throw new ApiError(404, 'not_found', 'no such finding');
    }
    const action = body.status === 'suppressed' ? 'finding.suppress' : 'finding.status';
    await audit.record(c.get('principal'), action, id, body, c.get('requestId'));
    return c.json(await detail(id), 200);
  });
}

/** The API's finding: the contract plus who/why/when of its status and how often it was detected. */
function flatten(s: StoredFinding): z.infer<typeof TriagedFindingSchema> {
  return {
    ...s.finding,
    statusBy: s.statusBy,
    statusReason: s.statusReason,
    statusAt: s.statusAt,
    detections: s.detections,
  };
}
