import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlerter } from '../../analyze/alerts/dispatcher.js';
import { createChannels } from '../../analyze/alerts/factory.js';
import type { Db } from '../../core/clickhouse/client.js';
import { type AlertsConfig, AlertsConfigSchema } from '../../core/config/sections/alerts.js';
import { openTestDb, rows } from '../harness/chdb.js';
import { sampleFinding } from '../harness/findings.js';
import { httpReceiver } from '../harness/receivers.js';

let db: Db & { dir: string };
let tmp: string;
beforeAll(async () => {
  db = await openTestDb();
  tmp = mkdtempSync(join(tmpdir(), 'flowlens-alerts-'));
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
function alerter(config: AlertsConfig, clock: () => Date) {
  return createAlerter({ client: db.client, config, channels: createChannels(config), clock });
}

describe('alert dispatcher (chDB state, loopback receivers)', () => {
  it('routes by category and severity, deduplicates by fingerprint, re-notifies after the interval or on escalation', async () => {
    const hook = await httpReceiver();
    const slack = await httpReceiver();
    const config = AlertsConfigSchema.parse({
      channels: [
        { type: 'webhook', name: 'hook', url: hook.url, secret: 'k' },
        { type: 'slack', name: 'slack', url: slack.url },
      ],
      routes: [
        { categories: ['brute-force'], minSeverity: 'high', channels: ['slack'] },
        { minSeverity: 'medium', channels: ['hook'] },
      ],
      renotifyMinutes: 60,
      retry: fast,
    });
    let now = new Date('2026-11-02T23:10:00Z');
    const a = alerter(config, () => now);
    const brute = sampleFinding();
    const low = sampleFinding({ id: 'low1', category: 'beaconing', severity: 'low' });
    const acked = sampleFinding({ id: 'ack1', status: 'acknowledged' });
    expect(await a.notify([brute, low, acked])).toEqual({
      sent: 2,
      deduplicated: 0,
      rateLimited: 0,
      failed: 0,
    });
    expect(await a.notify([brute])).toEqual({ sent: 0, deduplicated: 2, rateLimited: 0, failed: 0 });
    now = new Date('2026-11-02T23:40:00Z');
    expect((await a.notify([{ ...brute, severity: 'critical' }])).sent).toBe(2);
    now = new Date('2026-11-03T00:41:00Z');
    expect((await a.notify([{ ...brute, severity: 'critical' }])).sent).toBe(2);
    expect(hook.requests).toHaveLength(3);
    expect(slack.requests).toHaveLength(3);
    await a.close();
    await hook.close();
    await slack.close();
  });

  it('retries transient failures with backoff and succeeds', async () => {
    const rx = await httpReceiver((n) => (n < 3 ? 502 : 200));
    const config = AlertsConfigSchema.parse({
      channels: [{ type: 'webhook', name: 'flaky', url: rx.url }],
      retry: fast,
    });
    const a = alerter(config, () => new Date('2026-11-02T23:10:00Z'));
    expect(await a.notify([sampleFinding({ id: 'retry1' })])).toMatchObject({ sent: 1, failed: 0 });
    expect(rx.requests).toHaveLength(3);
    await rx.close();
  });

  it('dead-letters permanent failures, exhausted retries and rate-limited alerts (table and file)', async () => {
    const bad = await httpReceiver(() => 410);
    const down = await httpReceiver();
    const downUrl = down.url;
    await down.close();
    const ok = await httpReceiver();
    const file = join(tmp, 'dead.jsonl');
    const config = AlertsConfigSchema.parse({
      channels: [
        { type: 'teams', name: 'gone', url: bad.url },
        { type: 'webhook', name: 'down', url: downUrl },
        { type: 'webhook', name: 'ok', url: ok.url },
      ],
      maxPerMinute: 1,
      retry: fast,
      deadLetterFile: file,
    });
    const a = alerter(config, () => new Date('2026-11-02T23:10:00Z'));
    const stats = await a.notify([sampleFinding({ id: 'd1' }), sampleFinding({ id: 'd2' })]);
    expect(stats).toEqual({ sent: 1, deduplicated: 0, rateLimited: 3, failed: 2 });
    expect(bad.requests).toHaveLength(1); // 4xx is not retried
    const dead = await rows<{
      finding_id: string;
      channel: string;
      attempts: number;
      error: string;
      payload: string;
    }>(
      db,
      'SELECT finding_id, channel, attempts, error, payload FROM alert_dead_letters ORDER BY channel, finding_id',
    );
    expect(dead.map((d) => [d.channel, d.finding_id, d.attempts])).toEqual([
      ['down', 'd1', 3],
      ['down', 'd2', 0],
      ['gone', 'd1', 1],
      ['gone', 'd2', 0],
      ['ok', 'd2', 0],
    ]);
    expect(dead.find((d) => d.channel === 'gone' && d.finding_id === 'd1')!.error).toMatch(/HTTP 410/);
    expect(dead.find((d) => d.finding_id === 'd2' && d.channel === 'ok')!.error).toBe('rate-limited');
    expect(JSON.parse(dead[0]!.payload).finding.id).toBe('d1');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(5);
    await bad.close();
    await ok.close();
  });
});
