import {
  findingEvents,
  listFindings,
  readFindings,
  type StoredFinding,
  writeFindings,
} from '../../../analyze/findings-store.js';
import { changeStatus } from '../../../analyze/lifecycle.js';
import type { Db } from '../../../core/clickhouse/client.js';
import type { Finding, FindingStatus } from '../../../core/finding.js';
import type { Principal } from '../../auth/principal.js';

/** One entry of a finding's history (detections and status changes). */
export interface HistoryEvent {
  kind: string;
  status: FindingStatus;
  actor: string;
  reason: string;
  at: string;
}

export type TriagedFinding = Finding & {
  statusBy: string;
  statusReason: string;
  statusAt: string;
  detections: number;
};

/**
 * Findings as the analyzers store them (analyze/findings-store.ts), with the analyzers' lifecycle
 * rules for manual status changes (analyze/lifecycle.ts `changeStatus`): the status lives on the
 * finding (who/why/when) and every change is appended to `finding_events`.
 */
export class FindingStore {
  constructor(private readonly db: Db) {}

  async list(limit = 10_000): Promise<TriagedFinding[]> {
    return (await listFindings(this.db.client, { limit })).map(flatten);
  }

  async get(id: string): Promise<TriagedFinding | null> {
    const stored = (await readFindings(this.db.client, [id])).get(id);
    return stored ? flatten(stored) : null;
  }

  async history(id: string): Promise<HistoryEvent[]> {
    const events = await findingEvents(this.db.client, id);
    return events.map((e) => ({
      kind: e.kind,
      status: e.status,
      actor: e.actor,
      reason: e.reason,
      at: e.time.toISOString(),
    }));
  }

  /** Records a manual status change; false when the finding does not exist. */
  async setStatus(
    id: string,
    status: FindingStatus,
    comment: string,
    who: Principal,
    now: Date,
  ): Promise<boolean> {
    const prev = (await readFindings(this.db.client, [id])).get(id);
    if (!prev) return false;
    // Keep events strictly ordered even when two changes land in the same millisecond.
    const last = (await findingEvents(this.db.client, id)).at(-1)?.time.getTime() ?? 0;
    const at = new Date(Math.max(now.getTime(), last + 1, Date.parse(prev.statusAt) + 1));
    const { stored, event } = changeStatus(prev, status, who.name, comment, at);
    await writeFindings(this.db.client, [stored], [event], at);
    return true;
  }
}

function flatten(s: StoredFinding): TriagedFinding {
  return {
    ...s.finding,
    statusBy: s.statusBy,
    statusReason: s.statusReason,
    statusAt: s.statusAt,
    detections: s.detections,
  };
}
