import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestSummary } from '../../cli/ingest-progress.js';
import { FindingSchema } from '../../core/finding.js';
import type { IngestStats } from '../../ingest/stats.js';
import { runCli } from '../harness/cli.js';
import { type ClickHouseDouble, spawnClickHouseDouble } from '../harness/clickhouse-server/process.js';
import { phasedSimulation } from '../scenario/phases.js';

/**
 * The real `flowlens` CLI in server mode (FLOWLENS_CLICKHOUSE_URL/USER/PASSWORD, as docker-compose
 * sets them) against the ClickHouse HTTP test double with a password-protected user: ingest, stats,
 * analyze, a replay that adds nothing, and a wrong password that fails without printing it.
 */
const START = Date.UTC(2026, 10, 2, 20, 0);
const PASSWORD = 'pw-Zq81';
let double: ClickHouseDouble;
let tmp: string;
let env: Record<string, string>;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'flowlens-cli-server-'));
  double = await spawnClickHouseDouble({ users: { flowlens: PASSWORD } });
  env = {
    FLOWLENS_CLICKHOUSE_URL: double.url,
    FLOWLENS_CLICKHOUSE_USER: 'flowlens',
    FLOWLENS_CLICKHOUSE_PASSWORD: PASSWORD,
    FLOWLENS_DATABASE_RETENTION__RAW_DAYS: '0',
    FLOWLENS_DATABASE_RETENTION__MINUTE_DAYS: '0',
    FLOWLENS_DATABASE_RETENTION__HOUR_DAYS: '0',
  };
  const sim = phasedSimulation({
    startMs: START,
    incidentsAtMs: START + 30 * 60_000,
    incidentIds: ['rdp-brute-force'],
  });
  sim.writeMinutes(join(tmp, 'logs'), START + 45 * 60_000);
}, 120_000);
afterAll(async () => {
  await double?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('flowlens against a ClickHouse server (test double)', () => {
  it('ingests, counts, analyzes; a second ingest adds nothing and --force stores one more copy', async () => {
    const first = await runCli(['ingest', '--json', join(tmp, 'logs')], { env });
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as IngestSummary;
    expect(summary.tuples).toBeGreaterThan(0);

    const stats = await runCli(['stats', '--json'], { env });
    expect(stats.code, stats.stderr).toBe(0);
    // The client's configuration warning (long requests without progress headers) is not printed.
    expect(stats.stderr).not.toContain('send_progress_in_http_headers');
    expect((JSON.parse(stats.stdout) as IngestStats).rows).toBe(summary.tuples);

    const analyze = await runCli(['analyze', '--json', '--log-level', 'silent'], { env });
    expect(analyze.code, analyze.stderr).toBe(0);
    const findings = FindingSchema.array().parse(JSON.parse(analyze.stdout).findings);
    expect(findings.some((f) => f.category === 'brute-force')).toBe(true);

    // A second ingest adds nothing; `--force` (a new deduplication namespace) stores exactly one more copy.
    const again = await runCli(['ingest', '--json', join(tmp, 'logs')], { env });
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as IngestSummary).tuples).toBe(0);
    const unchanged = await runCli(['stats', '--json'], { env });
    expect((JSON.parse(unchanged.stdout) as IngestStats).rows).toBe(summary.tuples);
    const forced = await runCli(['ingest', '--json', '--force', join(tmp, 'logs')], { env });
    expect(forced.code, forced.stderr).toBe(0);
    expect((JSON.parse(forced.stdout) as IngestSummary).tuples).toBe(summary.tuples);
    const after = await runCli(['stats', '--json'], { env });
    expect((JSON.parse(after.stdout) as IngestStats).rows).toBe(2 * summary.tuples);
  }, 240_000);

  it('a wrong password exits 1 with the server error, never printing the password', async () => {
    const r = await runCli(['stats', '--json'], {
      env: { ...env, FLOWLENS_CLICKHOUSE_PASSWORD: 'not-the-pw-Xk2' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Authentication failed');
    expect(r.stderr + r.stdout).not.toContain('not-the-pw-Xk2');
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  });
});
