import { z } from 'zod';
import type { Db } from '../../core/clickhouse/client.js';
import type { Logger } from '../../core/logging.js';
import type { Principal } from '../auth/principal.js';
import { readRows } from '../query/run.js';
import { chTime } from '../query/time.js';

const AUDIT_ACTIONS = [
  'key.create',
  'key.revoke',
  'finding.status',
  'finding.suppress',
  'config.load',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const AuditRow = z.object({
  iso_time: z.string(),
  actor: z.string(),
  actor_kind: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  target: z.string(),
  detail: z.string(),
  request_id: z.string(),
});

export interface AuditEvent {
  time: string;
  actor: string;
  actorKind: string;
  action: AuditAction;
  target: string;
  detail: Record<string, unknown>;
  requestId: string;
}

export interface AuditQuery {
  from: Date;
  to: Date;
  action?: string | undefined;
  actor?: string | undefined;
  limit: number;
}

/**
 * One structured log line (`audit: true`, who/what/when) and one `api_audit` row per
 * security-relevant change. The row is what `GET /api/audit` reads; the line is for log shipping.
 */
export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  async record(
    who: Pick<Principal, 'id'> & { kind: string },
    action: AuditAction,
    target: string,
    detail: Record<string, unknown> = {},
    requestId = '',
  ): Promise<void> {
    const event: AuditEvent = {
      time: this.now().toISOString(),
      actor: who.id,
      actorKind: who.kind,
      action,
      target,
      detail,
      requestId,
    };
    this.logger.info({ audit: true, ...event }, `audit ${action}`);
    await this.db.client.insert({
      table: 'api_audit',
      values: [
        {
          time: event.time,
          actor: event.actor,
          actor_kind: event.actorKind,
          action,
          target,
          detail: JSON.stringify(detail),
          request_id: requestId,
        },
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
  }

  async list(q: AuditQuery): Promise<AuditEvent[]> {
    const where = ['time >= {from:DateTime64(3)}', 'time <= {to:DateTime64(3)}'];
    if (q.action) where.push('action = {action:String}');
    if (q.actor) where.push('actor = {actor:String}');
    const rows = await readRows(
      this.db,
      `SELECT formatDateTime(time, '%Y-%m-%dT%H:%i:%s.%fZ') AS iso_time, actor, actor_kind, action, target, ` +
        `detail, request_id FROM api_audit WHERE ${where.join(' AND ')} ORDER BY time DESC LIMIT {limit:UInt32}`,
      {
        from: chTime(q.from),
        to: chTime(q.to),
        action: q.action ?? '',
        actor: q.actor ?? '',
        limit: q.limit,
      },
      AuditRow,
    );
    return rows.map((r) => ({
      time: r.iso_time,
      actor: r.actor,
      actorKind: r.actor_kind,
      action: r.action,
      target: r.target,
      detail: parseDetail(r.detail),
      requestId: r.request_id,
    }));
  }
}

const Detail = z.record(z.string(), z.unknown());

function parseDetail(text: string): Record<string, unknown> {
  try {
    return Detail.parse(JSON.parse(text));
  } catch {
    return {};
  }
}
