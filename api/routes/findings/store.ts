import type { Db } from '../../../core/clickhouse/client.js';
import { type Finding, FindingSchema, type FindingStatus } from '../../../core/finding.js';
import type { Principal } from '../../auth/principal.js';
import { readRows, tableExists } from '../../query/run.js';
import { isoTime } from '../../query/time.js';

/** One triage action, as recorded in `finding_status_events`. */
export interface StatusEvent {
  status: FindingStatus;
  comment: string;
  actor: string;
  actorKind: string;
  at: string;
}

export type TriagedFinding = Finding & { statusChangedBy?: string; statusChangedAt?: string };

/**
 * Reads findings written by the analyzers (`findings`, ReplacingMergeTree: FINAL gives the newest
 * version) and overlays the latest triage event, so re-running analyzers never resets a status.
 * Rows are mapped leniently (snake_case columns, JSON-text subject/evidence, or one JSON column)
 * and validated with the Finding contract; rows that do not validate are skipped and counted.
 */
export class FindingStore {
  skipped = 0;
  constructor(private readonly db: Db) {}

  async list(limit = 10_000): Promise<TriagedFinding[]> {
    if (!(await tableExists(this.db, 'findings'))) return [];
    const rows = await readRows<Record<string, unknown>>(
      this.db,
      'SELECT * FROM findings FINAL ORDER BY id LIMIT {limit:UInt32}',
      { limit },
    );
    return this.overlay(rows.flatMap((r) => this.parse(r)));
  }

  async get(id: string): Promise<TriagedFinding | null> {
    if (!(await tableExists(this.db, 'findings'))) return null;
    const rows = await readRows<Record<string, unknown>>(
      this.db,
      'SELECT * FROM findings FINAL WHERE id = {id:String}',
      {
        id,
      },
    );
    const [finding] = await this.overlay(rows.flatMap((r) => this.parse(r)));
    return finding ?? null;
  }

  async history(id: string): Promise<StatusEvent[]> {
    const rows = await readRows<Record<string, string>>(
      this.db,
      'SELECT status, comment, actor, actor_kind, at FROM finding_status_events WHERE finding_id = {id:String} ORDER BY at',
      { id },
    );
    return rows.map((r) => ({
      status: r.status as FindingStatus,
      comment: r.comment ?? '',
      actor: r.actor ?? '',
      actorKind: r.actor_kind ?? '',
      at: isoTime(String(r.at)),
    }));
  }

  /** Records a triage event; its time is kept strictly after the previous one so "latest" is exact. */
  async setStatus(
    id: string,
    status: FindingStatus,
    comment: string,
    who: Principal,
    now: Date,
  ): Promise<void> {
    const [prev] = await readRows<{ t: string }>(
      this.db,
      'SELECT max(at) AS t FROM finding_status_events WHERE finding_id = {id:String}',
      { id },
    );
    const prevMs = prev ? Date.parse(isoTime(String(prev.t))) : 0;
    const at = new Date(Math.max(now.getTime(), prevMs + 1));
    await this.db.client.insert({
      table: 'finding_status_events',
      values: [
        { finding_id: id, status, comment, actor: who.name, actor_kind: who.kind, at: at.toISOString() },
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { date_time_input_format: 'best_effort' },
    });
  }

  private async overlay(findings: Finding[]): Promise<TriagedFinding[]> {
    if (!findings.length) return [];
    const rows = await readRows<{ finding_id: string; s: string; a: string; t: string }>(
      this.db,
      'SELECT finding_id, argMax(status, at) AS s, argMax(actor, at) AS a, max(at) AS t ' +
        'FROM finding_status_events WHERE finding_id IN {ids:Array(String)} GROUP BY finding_id',
      { ids: findings.map((f) => f.id) },
    );
    const latest = new Map(rows.map((r) => [r.finding_id, r]));
    return findings.map((f) => {
      const e = latest.get(f.id);
      if (!e) return f;
      return {
        ...f,
        status: e.s as FindingStatus,
        statusChangedBy: e.a,
        statusChangedAt: isoTime(String(e.t)),
      };
    });
  }

  private parse(row: Record<string, unknown>): Finding[] {
    const result = FindingSchema.safeParse(normalizeRow(row));
    if (result.success) return [result.data];
    this.skipped++;
    return [];
  }
}

/** Accepts `{ json|finding|data: '<Finding JSON>' }` or snake_case columns with JSON-text objects. */
export function normalizeRow(row: Record<string, unknown>): unknown {
  for (const key of ['json', 'finding', 'data']) {
    const v = row[key];
    if (typeof v === 'string' && v.startsWith('{')) return { ...(jsonOr(v, {}) as object), ...statusOf(row) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row))
    out[k.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = v;
  for (const key of ['subject', 'evidence'])
    if (typeof out[key] === 'string') out[key] = jsonOr(out[key] as string, {});
  for (const key of ['firstSeen', 'lastSeen'])
    if (typeof out[key] === 'string') out[key] = toIso(out[key] as string);
  return out;
}

function statusOf(row: Record<string, unknown>): Record<string, unknown> {
  return typeof row.status === 'string' && row.status ? { status: row.status } : {};
}

function toIso(text: string): string {
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(text) ? isoTime(text) : text;
}

function jsonOr(text: string, fallback: unknown): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
}
