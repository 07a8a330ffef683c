#!/usr/bin/env node
// `npm test`: bring up what the tests need (test/setup/*.mjs, in name order), type-check, lint,
// run vitest, and end with the plain "N passed, N failed" line CI reads.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const args = process.argv.slice(2);
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
const report = join(root, 'test', '.tmp', 'vitest-report.json');
const vitestOk = step('vitest', 'npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...args,
]);
ok = vitestOk && ok;

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  // A file that failed without a failing test (an import error, a throwing hook) counts once;
  // numFailedTestSuites would also count every describe block around a failed test.
  const brokenFiles = r.testResults.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  failed = r.numFailedTests + brokenFiles;
  skipped = r.numPendingTests + r.numTodoTests;
} catch {
  failed += 1;
}
// Server mode: the database suites a second time against the ClickHouse HTTP test double.
if (!args.length) {
  const server = (await import('./server-mode.mjs')).runServerMode(step, root);
  ok = server.ok && ok;
  passed += server.passed;
  failed += server.failed;
  skipped += server.skipped;
}
if (!ok && failed === 0) failed = 1;
process.stdout.write(`\ntotal time ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(ok && failed === 0 && passed > 0 ? 0 : 1);
