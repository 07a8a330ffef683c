// The suites of `npm test`'s server-mode run, the ones that touch the database, again in server mode
// (FLOWLENS_TEST_DB=server, test/harness/chdb.ts): each test file gets the ClickHouse HTTP test
// double (test/harness/clickhouse-server/, chDB in its own process) and the product's server path
// (`clickhouse.url`, Native over HTTP). Add a suite here when it opens its database through
// openTestDb and covers migrations, the sink, a source, an analyzer, the API or a report.
export const SERVER_MODE_SUITES = [
  'test/harness/chdb.test.ts',
  'core/clickhouse/migrate.test.ts',
  'core/clickhouse/query.test.ts',
  'core/clickhouse/ingested-at-index.test.ts',
  'test/integration/clickhouse-sink.test.ts',
  'test/integration/coalesced-ingest.test.ts',
  'test/integration/pipeline-write-failure.test.ts',
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
  'test/integration/connection-type.test.ts',
  'test/integration/findings-paging.test.ts',
  'test/integration/api/grafana.test.ts',
  'test/integration/api/grafana-ingest.test.ts',
  'test/integration/api/ingest-health.test.ts',
  'test/integration/api/server.test.ts',
  'test/integration/api/system.test.ts',
  'test/integration/api/traffic.test.ts',
  'test/integration/rules-inventory.test.ts',
  'test/e2e/rules-report.test.ts',
];
