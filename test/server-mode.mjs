// The second vitest run of `npm test`: the suites that touch the database, again in server mode
// (FLOWLENS_TEST_DB=server, test/harness/chdb.ts): each test file gets the ClickHouse HTTP test
// double (test/harness/clickhouse-server/, chDB in its own process) and the product's server path
// (`clickhouse.url`, Native over HTTP). Add a suite here when it opens its database through
// openTestDb and covers migrations, the sink, a source, an analyzer, the API or a report.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SERVER_MODE_SUITES = [
  'test/harness/chdb.test.ts',
  'core/clickhouse/migrate.test.ts',
  'test/integration/clickhouse-sink.test.ts',
  'test/integration/file-source.test.ts',
  'test/integration/blob-ingest.test.ts',
  'test/integration/blob-source.test.ts',
  'test/integration/blob-leases.test.ts',
  'test/integration/kafka-source.test.ts',
  'test/integration/eventhubs-source.test.ts',
  'analyze/analyzers/',
  'test/integration/analyze-runner.test.ts',
  'test/integration/alert-dispatcher.test.ts',
  'test/scenario/detections.test.ts',
  'test/e2e/detect-alert.test.ts',
  'test/integration/api/auth.test.ts',
  'test/integration/api/flows-findings.test.ts',
  'test/integration/api/grafana.test.ts',
  'test/integration/api/server.test.ts',
  'test/integration/api/system.test.ts',
  'test/integration/api/traffic.test.ts',
  'test/integration/rules-inventory.test.ts',
  'test/e2e/rules-report.test.ts',
];

/** Runs the suites in server mode with `step` (run.mjs); returns its counts read from the JSON report. */
export function runServerMode(step, root) {
  const report = join(root, 'test', '.tmp', 'vitest-report-server.json');
  const ok = step(
    'vitest, server mode (ClickHouse HTTP test double)',
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...SERVER_MODE_SUITES,
    ],
    { env: { ...process.env, FLOWLENS_TEST_DB: 'server' } },
  );
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const brokenFiles = r.testResults.filter(
      (f) => f.status === 'failed' && !f.assertionResults.some((a) => a.status === 'failed'),
    ).length;
    return {
      ok,
      passed: r.numPassedTests,
      failed: r.numFailedTests + brokenFiles,
      skipped: r.numPendingTests + r.numTodoTests,
    };
  } catch {
    return { ok: false, passed: 0, failed: 1, skipped: 0 };
  }
}
