// The suites `npm test` runs a second time with the clock moved (test/run.mjs): everything that
// reads the clock or stores dated rows — unit tests of the product directories, and the
// integration / end-to-end suites over analysis windows, retention, sources, the API's relative
// times, alerts and the CLI. Left out: the Kafka and Event Hubs brokers (their clocks are their
// own), crash tests, packaging, and the browser suites (Chromium's clock is not moved).
export const CLOCK_SHIFT = '+3y';

export const CLOCK_SUITES = [
  'test/clock/',
  'analyze/',
  'api/',
  'cli/',
  'core/',
  'ingest/',
  'simulator/',
  'test/integration/analyze-runner.test.ts',
  'test/integration/alert-channels.test.ts',
  'test/integration/alert-dispatcher.test.ts',
  'test/integration/api/',
  'test/integration/blob-ingest.test.ts',
  'test/integration/blob-source.test.ts',
  'test/integration/cli-analyze.test.ts',
  'test/integration/cli-ingest.test.ts',
  'test/integration/cli-ingest-blob.test.ts',
  'test/integration/cli-run.test.ts',
  'test/integration/cli-stats.test.ts',
  'test/integration/file-source.test.ts',
  'test/integration/rules-inventory.test.ts',
  'test/e2e/detect-alert.test.ts',
  'test/e2e/rules-cli.test.ts',
  'test/e2e/rules-report.test.ts',
];
