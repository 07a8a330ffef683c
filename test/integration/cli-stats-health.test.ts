import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetHealth, FlowLogHealth } from '../../api/routes/ingest/health-read.js';
import { openDb } from '../../core/clickhouse/client.js';
import { migrate } from '../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../core/clickhouse/migrations/types.js';
import { recordDataset } from '../../core/enrich/store.js';
import { runCli } from '../harness/cli.js';
import {
  ARM,
  ago,
  insertHealthRejects,
  insertHealthRows,
  minutes,
  nsgBlob,
} from '../harness/ingest-health.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-stats-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `flowlens stats` shows each flow log's status, lags, rejects and coverage, and each enrichment
 * dataset's version and age. The CLI reads the system clock, so the data is dated relative to it;
 * the "ok" and "late" flow logs' newest arrival lies 10 minutes ahead, so a slow CLI start cannot make it silent.
 */
describe('flowlens stats: flow-log health', { timeout: 300_000 }, () => {
  it('prints status, lag, rejects, coverage and dataset age, as text and JSON', async () => {
    const now = new Date();
    const db = openDb({ kind: 'embedded', path: dir });
    await migrate(db.client, DEFAULT_SCHEMA_OPTIONS);
    const blob = (arm: string) => `blob:${nsgBlob(arm, ago(now, 3600))}`;
    const ahead = new Date(now.getTime() + 600_000);
    const okMinutes = minutes(ago(now, 600), ago(now, 60));
    // The CLI reads the real clock, so these minutes span one clock hour or two (in the first 10 minutes of one).
    const okHours = new Set(okMinutes.map((t) => Math.floor(t.getTime() / 3_600_000))).size;
    await insertHealthRows(db, [
      ...okMinutes.map((t) => ({
        time: t,
        arrived: ahead,
        format: 'nsg-v2' as const,
        nsg: 'NSG-OK',
        target: ARM.nsgOk,
        source: blob(ARM.nsgOk),
      })),
      {
        time: ago(now, 1800),
        arrived: ahead,
        format: 'nsg-v2',
        nsg: 'NSG-LATE',
        target: ARM.nsgLate,
        source: blob(ARM.nsgLate),
      },
      {
        time: ago(now, 7200),
        arrived: ago(now, 7000),
        format: 'vnet',
        nsg: '',
        target: ARM.subnet,
        source: 'kafka:t/0',
      },
    ]);
    await insertHealthRejects(db, [
      { time: ago(now, 300), kind: 'blob', source: blob(ARM.nsgOk).slice(5), reason: 'tuple-ip' },
    ]);
    const version = { name: 'asn', version: 'v-test', source: 'file:/x.csv', rows: 7 };
    await recordDataset(db.client, { ...version, dataDate: ago(now, 3 * 86_400 + 60) }, now);
    await db.close();

    const r = await runCli(['--db', dir, 'stats', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { flowLogs: FlowLogHealth[]; datasets: DatasetHealth[] };
    expect(out.flowLogs.map((f) => [f.name, f.status])).toEqual([
      ['snet-app', 'silent'],
      ['NSG-LATE', 'late'],
      ['NSG-OK', 'ok'],
    ]);
    const ok = out.flowLogs[2]!;
    expect(ok).toMatchObject({
      lagSeconds: 0,
      rowsLastHour: 9,
      rejects: { total: 1, byReason: { 'tuple-ip': 1 } },
    });
    expect(ok.perMinute.filter((n) => n > 0)).toHaveLength(9);
    expect(ok.coverage).toMatchObject({ windowHours: 720, coveredHours: okHours, enough: false });
    expect(out.flowLogs[0]!.lagSeconds).toBeGreaterThanOrEqual(7000);
    expect(out.datasets.find((d) => d.name === 'asn')).toMatchObject({
      version: 'v-test',
      rows: 7,
      ageDays: 3,
    });

    const text = await runCli(['--db', dir, 'stats']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/\n {2}silent +snet-app +subnet +1\d\d min +\d\.\d h +0 +0 +0 % ! +·{60}\n/);
    expect(text.stdout).toMatch(/\n {2}late +NSG-LATE +nsg +0 s +3\d min +1 +0 /);
    expect(text.stdout).toMatch(
      /\n {2}ok +NSG-OK +nsg +0 s +\d+ (s|min) +9 +1 +0 % ! +[·▁-█]{60}\n {6}rejects tuple-ip: 1/,
    );
    expect(text.stdout).toMatch(
      /enrichment datasets\n {2}asn +v-test +7 prefixes +3 days old +\(file:\/x\.csv\)/,
    );
  });
});
