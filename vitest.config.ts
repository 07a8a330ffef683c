import { defineConfig } from 'vitest/config';

// chDB allows one data directory per process, so every test file runs in its own forked process
// (test/harness/chdb.ts gives each a fresh temp directory).
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.flowlens/**'],
    pool: 'forks',
    isolate: true,
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // Loading the full packaged ASN/country data costs seconds of CPU per fresh database; tests
    // that start `run`/`serve` skip it, and test/integration/enrich-cli.test.ts asserts the default.
    env: { FLOWLENS_ENRICH__PACKAGED_DATA: 'off' },
  },
});
