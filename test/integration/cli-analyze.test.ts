import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FindingSchema, SEVERITIES } from '../../core/finding.js';
import { runCli } from '../harness/cli.js';
import { hourStartAgo, iso } from '../harness/clock.js';
import { phasedSimulation } from '../scenario/phases.js';

// Two days back from the clock at an hour boundary: inside retention whatever the date.
const START = hourStartAgo(48);
let tmp: string;
let db: string;

// The real CLI in child processes: ingest simulated logs with a planted brute force, then analyze.
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'flowlens-cli-analyze-'));
  db = join(tmp, 'db');
  const sim = phasedSimulation({
    startMs: START,
    incidentsAtMs: START + 30 * 60_000,
    incidentIds: ['rdp-brute-force'],
  });
  sim.writeMinutes(join(tmp, 'logs'), START + 45 * 60_000);
  const r = await runCli(['--db', db, 'ingest', '--json', join(tmp, 'logs')]);
  expect(r.code, r.stderr).toBe(0);
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('flowlens analyze', () => {
  it('--json prints the findings (Finding array); the planted brute force is in it', async () => {
    const r = await runCli(['--db', db, 'analyze', '--json', '--log-level', 'silent']);
    expect(r.code, r.stderr).toBe(0);
    const findings = FindingSchema.array().parse(JSON.parse(r.stdout).findings);
    const brute = findings.find((f) => f.category === 'brute-force');
    expect(brute?.subject).toMatchObject({ ip: '10.10.1.5', port: 3389, remoteIp: '45.155.205.233' });
  }, 120_000);

  it('prints a table by default and honours --from/--to', async () => {
    const r = await runCli([
      '--db',
      db,
      'analyze',
      '--from',
      iso(START),
      '--to',
      iso(START + 20 * 60_000),
      '--log-level',
      'silent',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`window ${iso(START)} – ${iso(START + 20 * 60_000)}`);
    expect(r.stdout).not.toContain('brute-force');
    const all = await runCli(['--db', db, 'analyze', '--log-level', 'silent']);
    expect(all.stdout).toMatch(/SEVERITY\s+CATEGORY/);
    expect(all.stdout).toMatch(/high\s+brute-force\s+10\.10\.1\.5:3389/);
  }, 120_000);

  it('bad analyzer settings and bad times are usage errors (exit 2) with every problem listed', async () => {
    const cfg = join(tmp, 'bad.yaml');
    writeFileSync(cfg, 'analyze:\n  disabled: [nope]\n  analyzers:\n    port-scan: { minPorts: -1 }\n');
    const r = await runCli(['--db', db, '--config', cfg, 'analyze', '--log-level', 'silent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown analyzer "nope"/);
    expect(r.stderr).toMatch(/analyze\.analyzers\.port-scan/);
    const t = await runCli(['--db', db, 'analyze', '--from', 'yesterday']);
    expect(t.code).toBe(2);
  }, 120_000);

  it('findings list/status/history: triage from the shell with who and why recorded', async () => {
    const list = await runCli(['--db', db, 'findings', 'list', '--json', '--log-level', 'silent']);
    expect(list.code, list.stderr).toBe(0);
    const brute = FindingSchema.array()
      .parse(JSON.parse(list.stdout))
      .find((f) => f.category === 'brute-force')!;
    const all = FindingSchema.array().parse(JSON.parse(list.stdout));
    const ranks = all.map((f) => SEVERITIES.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    const top = await runCli([
      '--db',
      db,
      'findings',
      'list',
      '--json',
      '--sort',
      'lastSeen',
      '--limit',
      '1',
    ]);
    expect(top.code, top.stderr).toBe(0);
    const newest = all
      .map((f) => f.lastSeen)
      .sort()
      .at(-1);
    expect(
      FindingSchema.array()
        .parse(JSON.parse(top.stdout))
        .map((f) => f.lastSeen),
    ).toEqual([newest]);
    const high = await runCli(['--db', db, 'findings', 'list', '--json', '--severity', 'high,critical']);
    const want = all.filter((f) => f.severity === 'high' || f.severity === 'critical').map((f) => f.id);
    expect(
      FindingSchema.array()
        .parse(JSON.parse(high.stdout))
        .map((f) => f.id),
    ).toEqual(want);
    expect((await runCli(['--db', db, 'findings', 'list', '--sort', 'nope'])).code).toBe(2);
    const set = await runCli([
      '--db',
      db,
      'findings',
      'status',
      brute.id,
      'acknowledged',
      '--reason',
      'INC-7',
      '--by',
      'bob',
      '--log-level',
      'silent',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain('open → acknowledged');
    const history = await runCli(['--db', db, 'findings', 'history', brute.id, '--log-level', 'silent']);
    expect(history.stdout).toMatch(/status\s+acknowledged\s+bob: INC-7/);
    const acked = await runCli([
      '--db',
      db,
      'findings',
      'list',
      '--status',
      'acknowledged',
      '--log-level',
      'silent',
    ]);
    expect(acked.stdout).toMatch(/high\s+brute-force\s+10\.10\.1\.5:3389\s+.*acknowledged/);
    const bad = await runCli(['--db', db, 'findings', 'status', brute.id, 'closed', '--reason', 'x']);
    expect(bad.code).toBe(2);
  }, 180_000);
});
