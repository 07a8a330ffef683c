import type { ClickHouseClient } from '@clickhouse/client';
import type { FindingStatus } from '../finding.js';
import type { FindingEvent, StoredFinding } from './rows.js';
import { findingEvents, readFindings, writeFindings } from './store.js';

/** A manual status change (CLI/API), pure: who, why, when, recorded in the history. */
export function changeStatus(
  prev: StoredFinding,
  status: FindingStatus,
  actor: string,
  reason: string,
  now: Date,
): { stored: StoredFinding; event: FindingEvent } {
  const stored: StoredFinding = {
    ...prev,
    finding: { ...prev.finding, status },
    statusBy: actor,
    statusReason: reason,
    statusAt: now.toISOString(),
  };
  const event: FindingEvent = {
    findingId: prev.finding.id,
    time: now,
    kind: 'status',
    status,
    severity: prev.finding.severity,
    actor,
    reason,
  };
  return { stored, event };
}

/**
 * Records a manual status change (the one path for the CLI and the API); returns the previous
 * finding, or null when there is none with this id. The change is stamped strictly after the
 * finding's last status and last event, so two changes in the same millisecond stay ordered and
 * the newer row wins the ReplacingMergeTree merge.
 */
export async function setFindingStatus(
  client: ClickHouseClient,
  change: { id: string; status: FindingStatus; actor: string; reason: string; now: Date },
): Promise<StoredFinding | null> {
  const prev = (await readFindings(client, [change.id])).get(change.id);
  if (!prev) return null;
  const last = (await findingEvents(client, change.id)).at(-1)?.time.getTime() ?? 0;
  const at = new Date(Math.max(change.now.getTime(), last + 1, Date.parse(prev.statusAt) + 1));
  const { stored, event } = changeStatus(prev, change.status, change.actor, change.reason, at);
  await writeFindings(client, [stored], [event], at);
  return prev;
}
