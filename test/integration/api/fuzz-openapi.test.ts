import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../../api/auth/keys.js';
import { type RunningApi, startApi } from '../../../api/server.js';
import { rulesProvider } from '../../../cli/rules-provider.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { systemClock } from '../../../core/clock.js';
import { parseConfig } from '../../../core/config/load.js';
import { silentLogger } from '../../../core/logging.js';
import { createMetrics } from '../../../core/metrics.js';
import { SCENARIO_FINDINGS, seedFindings } from '../../harness/api-findings.js';
import { SCENARIO_FLOWS } from '../../harness/api-scenario.js';
import { seedFlows } from '../../harness/api-seed.js';
import { openTestDb } from '../../harness/chdb.js';
import { REPO_ROOT } from '../../harness/cli.js';

/** The pinned schemathesis in its own venv (test/setup/70-schemathesis.mjs), never the system Python. */
const SCHEMATHESIS_PYTHON = join(REPO_ROOT, '.cache', 'schemathesis-venv', 'bin', 'python');

/**
 * Issue 15 bar: schemathesis (installed by test/setup/70-schemathesis.mjs) fuzzes every operation
 * of the OpenAPI document against a loopback server with an admin key, valid and invalid inputs,
 * a bounded number of examples each. No 5xx and no response that breaks its documented schema.
 */
let db: Db & { close(): Promise<void> };
let api: RunningApi;
let key: string;
let reports: string;
const controller = new AbortController();

beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, SCENARIO_FLOWS);
  await seedFindings(db, SCENARIO_FINDINGS);
  key = (await new KeyStore(db, parseConfig({}).api).create('fuzz', 'admin', 'cli')).key;
  const config = parseConfig({ api: { rateLimitPerMinute: 1_000_000, exportMaxRows: 1000 } });
  const ctx = { db, config, logger: silentLogger(), metrics: createMetrics(), now: systemClock };
  api = await startApi(
    { ...ctx, rules: rulesProvider(ctx), dashboardsDir: '/nonexistent' },
    controller.signal,
    { host: '127.0.0.1', port: 0 },
  );
  reports = mkdtempSync(join(tmpdir(), 'flowlens-fuzz-'));
});
afterAll(async () => {
  controller.abort();
  await api?.stop();
  await db?.close();
  rmSync(reports, { recursive: true, force: true });
});

function schemathesis(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SCHEMATHESIS_PYTHON, ['-m', 'schemathesis.cli', ...args], {
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' },
      cwd: reports, // its .schemathesis/ cache stays out of the repository
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

describe('OpenAPI fuzzing', () => {
  it('finds no server error and no schema violation', async () => {
    const junit = join(reports, 'junit.xml');
    const r = await schemathesis([
      'run',
      `${api.url}/api/openapi.json`,
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--max-examples',
      '5',
      '--seed',
      '15',
      '--workers',
      '1',
      '--phases',
      'examples,coverage,fuzzing',
      '--suppress-health-check',
      'all',
      '--max-time',
      '100',
      '--max-failures',
      '20',
      '--request-timeout',
      '30',
      '-H',
      `X-API-Key: ${key}`,
      '--report',
      'junit',
      '--report-junit-path',
      junit,
    ]);
    // The whole run is kept for reading (test/.tmp is git-ignored); the assertion shows its end.
    mkdirSync(join('test', '.tmp'), { recursive: true });
    writeFileSync(join('test', '.tmp', 'schemathesis.txt'), r.out);
    expect(r.code, r.out.slice(-6000)).toBe(0);
    // It really ran: every operation of the document shows up in the report.
    const report = readFileSync(junit, 'utf8');
    expect(report).toContain('/api/flows/export');
    expect(report).toContain('/api/audit');
  }, 300_000);
});
