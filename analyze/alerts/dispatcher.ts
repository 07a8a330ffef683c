import type { ClickHouseClient } from '@clickhouse/client';
import { systemClock } from '../../core/clock.js';
import type { AlertsConfig } from '../../core/config/sections/alerts.js';
import { errorMessage } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { Logger } from '../../core/logging.js';
import { retry } from '../../core/retry.js';
import { severityRank } from '../severity.js';
import type { AlertChannel } from './channel.js';
import { groupByIncident, incidentAlert } from './incident.js';
import { deadLetter, lastNotifications, recordNotification } from './notifications.js';
import { rateLimiter, routeFinding } from './route.js';

export interface AlertStats {
  sent: number;
  deduplicated: number;
  rateLimited: number;
  failed: number;
}

export interface Alerter {
  /** Routes, deduplicates and delivers; never throws for delivery problems (they go to the dead letter). */
  notify(findings: readonly Finding[], signal?: AbortSignal): Promise<AlertStats>;
  close(): Promise<void>;
}

/**
 * Alert dispatcher. Only open findings are sent. A (finding, channel) pair is sent again only after
 * `renotifyMinutes` or when the severity rose since the last send; state lives in
 * `alert_notifications`, so a restart does not re-send everything. Findings of one incident
 * (`evidence.incident`) due on a channel in the same tick go out as one alert listing its parts;
 * a part of an incident whose other parts were already sent there goes out as an update.
 */
export function createAlerter(deps: {
  client: ClickHouseClient;
  config: AlertsConfig;
  channels: readonly AlertChannel[];
  logger?: Logger;
  clock?: () => Date;
  /** Per-delivery outcome hook (metrics). */
  onOutcome?: (channel: string, outcome: 'sent' | 'deduplicated' | 'rate-limited' | 'failed') => void;
}): Alerter {
  const clock = deps.clock ?? systemClock;
  const allowed = rateLimiter(deps.config.maxPerMinute);
  const names = deps.channels.map((c) => c.name);
  const byName = new Map(deps.channels.map((c) => [c.name, c]));
  return {
    async notify(findings, signal) {
      const stats: AlertStats = { sent: 0, deduplicated: 0, rateLimited: 0, failed: 0 };
      const open = findings.filter((f) => f.status === 'open');
      if (!open.length || !deps.channels.length) return stats;
      // Parts of an incident alerted in earlier ticks decide "update" vs a fresh alert.
      const groups = groupByIncident(open);
      const ids = groups.flatMap((g) => [...g.members.map((f) => f.id), ...(g.incident?.parts ?? [])]);
      const last = await lastNotifications(deps.client, [...new Set(ids)]);
      for (const g of groups) {
        const routed = g.members.map((f) => routeFinding(f, deps.config.routes, names));
        for (const name of names.filter((n) => routed.some((r) => r.includes(n)))) {
          const now = clock();
          const due = g.members.filter((f, i) => {
            if (!routed[i]!.includes(name)) return false;
            const prev = last.get(`${f.id}|${name}`);
            if (!prev || dueAgain(prev, f, now, deps.config.renotifyMinutes)) return true;
            stats.deduplicated++;
            deps.onOutcome?.(name, 'deduplicated');
            return false;
          });
          if (!due.length) continue;
          const update = g.incident?.parts.some((id) => last.has(`${id}|${name}`)) ?? false;
          const alert = g.incident ? incidentAlert(g.incident, due, update) : due[0]!;
          await deliver(byName.get(name)!, alert, due, now, stats, signal);
        }
      }
      return stats;
    },
    close: async () => {
      await Promise.all(deps.channels.map((c) => c.close().catch(() => {})));
    },
  };

  async function deliver(
    channel: AlertChannel,
    f: Finding,
    covers: readonly Finding[],
    now: Date,
    stats: AlertStats,
    signal?: AbortSignal,
  ) {
    if (!allowed(channel.name, now.getTime())) {
      stats.rateLimited++;
      deps.onOutcome?.(channel.name, 'rate-limited');
      await deadLetter(deps.client, dead(channel, f, now, 0, 'rate-limited'), deps.config.deadLetterFile);
      return;
    }
    let attempts = 0;
    try {
      await retry(
        async (attempt) => {
          attempts = attempt + 1;
          await channel.send(f, signal);
        },
        { ...deps.config.retry, ...(signal ? { signal } : {}) },
      );
      for (const part of covers)
        await recordNotification(deps.client, part.id, channel.name, part.severity, now);
      stats.sent++;
      deps.onOutcome?.(channel.name, 'sent');
    } catch (err) {
      stats.failed++;
      deps.onOutcome?.(channel.name, 'failed');
      deps.logger?.warn(
        { channel: channel.name, finding: f.id, err: errorMessage(err) },
        'alert not delivered',
      );
      await deadLetter(
        deps.client,
        dead(channel, f, now, attempts, errorMessage(err)),
        deps.config.deadLetterFile,
      );
    }
  }
}

function dueAgain(
  prev: { severity: string; sentAt: number },
  f: Finding,
  now: Date,
  renotifyMinutes: number,
): boolean {
  const rose = severityRank(f.severity) > severityRank(prev.severity as Finding['severity']);
  return rose || now.getTime() - prev.sentAt >= renotifyMinutes * 60_000;
}

function dead(channel: AlertChannel, f: Finding, now: Date, attempts: number, error: string) {
  return {
    time: now,
    findingId: f.id,
    channel: channel.name,
    attempts,
    error,
    payload: safeRender(channel, f),
  };
}

function safeRender(channel: AlertChannel, f: Finding): string {
  try {
    return channel.render(f);
  } catch (err) {
    return JSON.stringify({ renderError: errorMessage(err), finding: f });
  }
}
