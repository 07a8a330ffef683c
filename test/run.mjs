#!/usr/bin/env node
// `npm test`: bring up what the tests need (test/setup/*.mjs, in name order), type-check, lint,
// run vitest, and end with the plain "N passed, N failed" line CI reads.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CLOCK_SHIFT, CLOCK_SUITES } from './clock/suites.mjs';
import { SERVER_MODE_SUITES } from './server-mode.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
// `--moved-clock [files]`: also run those files (default: the clock suites) with the clock moved.
const movedClock = process.argv.includes('--moved-clock');
const args = process.argv.slice(2).filter((a) => a !== '--moved-clock');
const started = Date.now();

function step(name, cmd, cmdArgs, options = {}) {
  const t0 = Date.now();
  process.stdout.write(`\n== ${name}\n`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', ...options });
  process.stdout.write(
    `== ${name}: ${r.status === 0 ? 'ok' : `failed (${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
  return r.status === 0;
}

const setupDir = join(root, 'test', 'setup');
for (const file of readdirSync(setupDir)
  .filter((f) => f.endsWith('.mjs'))
  .sort()) {
  const mod = await import(join(setupDir, file));
  const t0 = Date.now();
  await mod.ensure();
  process.stdout.write(`setup ${file}: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}

let ok = true;
if (!args.length) {
  ok = step('typecheck (tsc --noEmit)', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']) && ok;
  ok = step('lint (biome)', 'npx', ['biome', 'check', '--diagnostic-level=error', '.']) && ok;
}

mkdirSync(join(root, 'test', '.tmp'), { recursive: true });
const counts = [];

/** One vitest run; returns its counts (a failed file without a failed test counts once). */
function vitest(name, files, env = process.env) {
  const report = join(root, 'test', '.tmp', `vitest-report-${counts.length}.json`);
  rmSync(report, { force: true });
  const runOk = step(
    name,
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...files],
    { env },
  );
  const c = { ok: runOk, passed: 0, failed: 0, skipped: 0 };
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    // numFailedTestSuites would also count every describe block around a failed test.
    const brokenFiles = r.testResults.filter(
      (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
    ).length;
    Object.assign(c, {
      passed: r.numPassedTests,
      failed: r.numFailedTests + brokenFiles,
      skipped: r.numPendingTests + r.numTodoTests,
    });
  } catch {
    c.failed += 1;
  }
  counts.push(c);
  return c;
}

ok = vitest('vitest', args).ok && ok;
// Calendar-proof check: the clock-sensitive suites again with the clock moved years ahead
// (test/clock/). On a full run, or with --moved-clock; otherwise chosen files are a quick loop.
if (!args.length || movedClock) {
  const shift = join(root, 'test', 'clock', 'shift.mjs');
  const env = {
    ...process.env,
    FLOWLENS_CLOCK_OFFSET: CLOCK_SHIFT,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(shift).href}`.trim(),
  };
  ok = vitest(`vitest, clock moved ${CLOCK_SHIFT}`, args.length ? args : CLOCK_SUITES, env).ok && ok;
}
// Server mode: the database suites a second time against the ClickHouse HTTP test double.
if (!args.length) {
  const env = { ...process.env, FLOWLENS_TEST_DB: 'server' };
  ok = vitest('vitest, server mode (ClickHouse HTTP test double)', SERVER_MODE_SUITES, env).ok && ok;
}

const passed = counts.reduce((n, c) => n + c.passed, 0);
let failed = counts.reduce((n, c) => n + c.failed, 0);
const skipped = counts.reduce((n, c) => n + c.skipped, 0);
if (!ok && failed === 0) failed = 1;
process.stdout.write(`\ntotal time ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(ok && failed === 0 && passed > 0 ? 0 : 1);
