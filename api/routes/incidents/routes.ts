import { createRoute, z } from '@hono/zod-openapi';
import { lookupAddress } from '../../../core/enrich/lookup.js';
import { SEVERITIES } from '../../../core/finding.js';
import type { ApiDeps } from '../../deps.js';
import type { ApiApp } from '../../env.js';
import { ApiError } from '../../errors.js';
import { csvQuery, errorResponses } from '../common.js';
import { FindingDetailSchema } from '../findings/routes.js';
import { INCIDENT_STATUSES, incidentParts, listIncidents } from './queries.js';

export const IncidentSummarySchema = z.object({
  id: z.string(),
  title: z.string().openapi({ description: 'Categories in the order they began, and who → which host' }),
  severity: z.enum(SEVERITIES).openapi({ description: 'The most severe part' }),
  status: z.enum(INCIDENT_STATUSES).openapi({
    description: 'The most active part: open, else acknowledged, else resolved, else suppressed',
  }),
  firstSeen: z.string(),
  lastSeen: z.string(),
  hosts: z.array(z.string()).openapi({ description: 'Subject hosts (subject.ip of the parts)' }),
  remotes: z.array(z.string()).openapi({ description: 'Remote actors (subject.remoteIp of the parts)' }),
  parts: z.number().openapi({ description: 'How many findings make up the incident' }),
  categories: z.array(z.string()),
});
export const IncidentListSchema = z.object({ total: z.number(), items: z.array(IncidentSummarySchema) });
export type IncidentList = z.infer<typeof IncidentListSchema>;
export const IncidentPartSchema = z.object({
  id: z.string().openapi({ description: 'Finding id (GET /api/findings/{id} for evidence and history)' }),
  category: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  reason: z.string(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  subject: z.record(z.string(), z.unknown()),
  status: z.enum(INCIDENT_STATUSES),
  detections: z.number(),
});
export const IncidentDetailSchema = z.object({
  incident: IncidentSummarySchema,
  parts: z.array(IncidentPartSchema),
  /** Who each remote actor is (enrichment dictionaries), in the order of `incident.remotes`. */
  peers: z.array(FindingDetailSchema.shape.peer.unwrap()),
});
export type IncidentDetail = z.infer<typeof IncidentDetailSchema>;

const listRoute = createRoute({
  method: 'get',
  path: '/api/incidents',
  tags: ['incidents'],
  summary: 'Incidents (linked findings: scan → brute force → exposure…), most recent activity first',
  request: {
    query: z.object({
      status: csvQuery(INCIDENT_STATUSES).openapi({
        description: 'Comma-separated incident statuses, e.g. open',
      }),
      severity: csvQuery(SEVERITIES).openapi({
        description: 'Comma-separated, matched against the most severe part',
      }),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
  },
  responses: {
    200: {
      description: 'Matching incidents',
      content: { 'application/json': { schema: IncidentListSchema } },
    },
    ...errorResponses,
  },
});

const detailRoute = createRoute({
  method: 'get',
  path: '/api/incidents/{id}',
  tags: ['incidents'],
  summary: 'One incident with its parts (findings)',
  request: { params: z.object({ id: z.string().min(1).max(200) }) },
  responses: {
    200: { description: 'The incident', content: { 'application/json': { schema: IncidentDetailSchema } } },
    404: { description: 'No such incident' },
    ...errorResponses,
  },
});

export function registerIncidentRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(listRoute, async (c) => c.json(await listIncidents(deps.db, c.req.valid('query')), 200));
  app.openapi(detailRoute, async (c) => {
    const { id } = c.req.valid('param');
    const [incident] = (await listIncidents(deps.db, { id, status: [], severity: [], limit: 1, offset: 0 }))
      .items;
    if (!incident) throw new ApiError(404, 'not_found', 'no such incident');
    const peers = incident.remotes.length ? await lookupAddress(deps.db.client, incident.remotes) : [];
    return c.json({ incident, parts: await incidentParts(deps.db, id), peers }, 200);
  });
}
