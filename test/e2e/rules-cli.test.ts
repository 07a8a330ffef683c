import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuleReport } from '../../analyze/rules/analysis/types.js';
import { WINDOW } from '../scenario/rules-scenario.js';

/** The real `flowlens` command in child processes (each owns the chDB directory in turn). */
const dir = mkdtempSync(join(tmpdir(), 'flowlens-rules-cli-'));
const db = join(dir, 'db');
const nsgFile = join(dir, 'nsgs.json');
const config = join(dir, 'flowlens.json');

function run(args: string[], script = 'cli/main.ts') {
  const r = spawnSync('npx', ['tsx', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, AZURE_TENANT_ID: '', AZURE_CLIENT_ID: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const flowlens = (...args: string[]) => run(['--db', db, '--config', config, ...args]);

beforeAll(() => {
  writeFileSync(config, JSON.stringify({ rules: { virtualNetworkPrefixes: ['10.0.0.0/16'] } }));
  const seeded = run([db, nsgFile], 'test/scenario/seed-rule-flows.ts');
  if (seeded.code !== 0) throw new Error(seeded.err);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flowlens rules / report rules', () => {
  it('imports NSG definitions, then skips an unchanged re-import', () => {
    const first = flowlens('rules', 'import', nsgFile, '--valid-from', '2026-09-01T00:00:00Z');
    expect(first.out).toBe('3 NSGs (19 rules): 3 new snapshots, 0 unchanged, 0 problems\n');
    expect(first.code).toBe(0);
    expect(flowlens('rules', 'import', nsgFile).out).toMatch(/0 new snapshots, 3 unchanged/);
  });

  it('reports bad input with its location and a failing exit code', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"value":[{"name":"x","securityRules":[{"name":"r","priority":"high"}]}]}');
    const r = flowlens('rules', 'import', bad);
    expect(r.err).toMatch(/bad.json.*x: user rule #0 \(r\): invalid protocol/);
    expect(r.out).toMatch(/1 NSGs \(0 rules\)/);
    expect(flowlens('rules', 'import', join(dir, 'missing.json')).code).toBe(1);
  });

  it('writes the JSON report over the chosen window', () => {
    const out = join(dir, 'report.json');
    const r = flowlens(
      'report',
      'rules',
      '--from',
      WINDOW.from,
      '--to',
      WINDOW.to,
      '--format',
      'json',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as RuleReport;
    expect(report.window).toEqual(WINDOW);
    const actions = Object.fromEntries(report.recommendations.map((x) => [`${x.nsg}/${x.rule}`, x.action]));
    expect(actions).toMatchObject({
      'web-nsg/allow-legacy-ftp': 'remove',
      'web-nsg/allow-app-range': 'narrow',
      'db-nsg/allow-sql-from-app': 'narrow',
    });
  });

  it.each([
    ['html', /^<!doctype html>/],
    ['md', /^# NSG rule review/],
    ['csv', /^nsg,resource_group,rule,/],
  ])('renders %s to stdout', (format, want) => {
    const r = flowlens('report', 'rules', '--from', WINDOW.from, '--to', WINDOW.to, '--format', format);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(want);
  });

  it('rejects an unknown format and a bad window as usage errors', () => {
    expect(flowlens('report', 'rules', '--format', 'xml').code).toBe(2);
    const r = flowlens('report', 'rules', '--from', 'yesterday-ish');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--from: not a date/);
  });

  it('rules sync fails clearly without Azure credentials', () => {
    const r = flowlens('rules', 'sync', '--subscription', '00000000-0000-0000-0000-000000000000');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no Azure credentials/);
  });
});
