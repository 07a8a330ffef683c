import type { Finding, FindingStatus } from '../core/finding.js';
import type { FindingEvent, StoredFinding } from '../core/findings/rows.js';
import { severityRank } from './severity.js';

/** `status_by` prefix for statuses set by a configured suppression (so removing it can reopen). */
export const SUPPRESSION_ACTOR = 'suppression:';

export interface Merge {
  stored: StoredFinding;
  events: FindingEvent[];
  /** True when the finding is open and new, has new activity, escalated or reopened: an alert candidate. */
  notify: boolean;
}

/**
 * Folds a fresh detection into the stored finding (pure). Returns null when nothing changed, so
 * re-running a window writes nothing. Rules: first/last seen widen; new activity (a later
 * lastSeen) counts a detection and replaces the evidence; a resolved finding with activity after
 * its resolution reopens; acknowledged and manually suppressed findings keep their status.
 */
export function mergeDetection(prev: StoredFinding | undefined, next: Finding, now: Date): Merge | null {
  const suppression = next.status === 'suppressed' ? suppressionOf(next) : undefined;
  if (!prev) return fresh(next, suppression, now);
  const advanced = next.lastSeen > prev.finding.lastSeen;
  const escalated = severityRank(next.severity) > severityRank(prev.finding.severity);
  const base = advanced ? next : prev.finding;
  const finding: Finding = {
    ...base,
    severity: advanced || escalated ? next.severity : prev.finding.severity,
    firstSeen: next.firstSeen < prev.finding.firstSeen ? next.firstSeen : prev.finding.firstSeen,
    lastSeen: advanced ? next.lastSeen : prev.finding.lastSeen,
    status: prev.finding.status,
  };
  const stored: StoredFinding = { ...prev, finding, detections: prev.detections + (advanced ? 1 : 0) };
  const events: FindingEvent[] = [];
  const status = nextStatus(prev, next, suppression, advanced);
  if (status) {
    stored.finding = { ...finding, status: status.status };
    Object.assign(stored, {
      statusBy: status.actor,
      statusReason: status.reason,
      statusAt: now.toISOString(),
    });
    events.push(event(stored, 'status', now, status.actor, status.reason));
  }
  if (advanced) events.unshift(event(stored, 'redetected', now, 'flowlens', next.reason));
  if (!events.length && !escalated && finding.firstSeen === prev.finding.firstSeen) return null;
  const open = stored.finding.status === 'open';
  return { stored, events, notify: open && (advanced || escalated || status?.status === 'open') };
}

function fresh(next: Finding, suppression: { by: string; reason: string } | undefined, now: Date): Merge {
  const stored: StoredFinding = {
    finding: next,
    detections: 1,
    statusBy: suppression ? `${SUPPRESSION_ACTOR}${suppression.by}` : 'flowlens',
    statusReason: suppression ? suppression.reason : 'detected',
    statusAt: now.toISOString(),
  };
  const events = [event(stored, 'detected', now, 'flowlens', next.reason)];
  if (suppression) events.push(event(stored, 'status', now, stored.statusBy, suppression.reason));
  return { stored, events, notify: next.status === 'open' };
}

function nextStatus(
  prev: StoredFinding,
  next: Finding,
  suppression: { by: string; reason: string } | undefined,
  advanced: boolean,
): { status: FindingStatus; actor: string; reason: string } | undefined {
  const current = prev.finding.status;
  if (suppression) {
    if (current === 'suppressed') return undefined;
    return {
      status: 'suppressed',
      actor: `${SUPPRESSION_ACTOR}${suppression.by}`,
      reason: suppression.reason,
    };
  }
  if (current === 'suppressed' && prev.statusBy.startsWith(SUPPRESSION_ACTOR)) {
    return { status: 'open', actor: 'flowlens', reason: 'suppression expired or removed' };
  }
  if (current === 'resolved' && advanced && next.lastSeen > prev.statusAt) {
    return { status: 'open', actor: 'flowlens', reason: 'new activity after resolution' };
  }
  return undefined;
}

function suppressionOf(f: Finding): { by: string; reason: string } {
  const s = f.evidence.suppression as { by?: string; reason?: string } | undefined;
  return { by: s?.by ?? 'config', reason: s?.reason ?? 'suppressed by configuration' };
}

function event(
  s: StoredFinding,
  kind: FindingEvent['kind'],
  time: Date,
  actor: string,
  reason: string,
): FindingEvent {
  return {
    findingId: s.finding.id,
    time,
    kind,
    status: s.finding.status,
    severity: s.finding.severity,
    actor,
    reason,
  };
}
