import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSourceSeries } from '../../api/routes/ingest/source-series.js';
import { parseConfig } from '../../core/config/load.js';
import { ConfigError } from '../../core/errors.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics, SOURCE_SERIES } from '../../core/metrics.js';
import { BUILTIN_SOURCES, createSourceRegistry, SOURCES } from '../../ingest/sources/registry.js';
import { startIngest } from '../../ingest/start.js';
import { count, openTestDb, rows } from '../harness/chdb.js';
import { REPO_ROOT } from '../harness/cli.js';
import { dummySource } from './dummy-source/component.js';

/**
 * Sources as components (issue 14 part 2): a kind is a folder plus one registry line. The dummy kind
 * lives in ./dummy-source/ and is registered below; it goes config → pipeline → real chDB like the
 * built-in ones, and exports the same series.
 */
type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db?.close();
});

const START = '2026-03-01T10:00:00.000Z';
/** The injected wall clock: 2 minutes after the dummy's newest tuple (START + 59 s). */
const NOW = Date.parse(START) + 59_000 + 120_000;

describe('adding a source kind', { timeout: 120_000 }, () => {
  const registry = createSourceRegistry([...BUILTIN_SOURCES, dummySource]); // the one registry line

  it('its config section is checked with the rest of the config, by its own schema', () => {
    const input = { sources: [{ type: 'dummy', name: 'd', tuples: 60, startTime: START }] };
    expect(() => parseConfig(input, SOURCES.configSchema)).toThrow(/sources\.0\.type/); // not registered there
    const cfg = parseConfig(input, registry.configSchema);
    expect(cfg.sources).toEqual([{ type: 'dummy', name: 'd', tuples: 60, bodies: 2, startTime: START }]);
    let error: unknown;
    try {
      parseConfig(
        { sources: [{ type: 'dummy', tuples: 0, startTime: 'soon' }], api: { port: -1 } },
        registry.configSchema,
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).message;
    expect(issues).toMatch(/sources\.0\.tuples/);
    expect(issues).toMatch(/sources\.0\.startTime/);
    expect(issues).toMatch(/api\.port/); // every problem at once
  });

  it('runs through the supervisor, the pipeline and chDB, and exports the uniform series', async () => {
    const config = parseConfig(
      { sources: [{ type: 'dummy', name: 'dummy-a', tuples: 60, startTime: START }] },
      registry.configSchema,
    );
    const metrics = createMetrics();
    const deps = { db, metrics, logger: silentLogger(), env: {}, now: () => NOW };
    await startIngest(config, deps, new AbortController().signal, { registry }); // finite: it returns
    expect(await count(db, 'flows', "source = 'dummy:dummy/dummy-a'")).toBe(60);
    const [first] = await rows<{ nsg: string }>(
      db,
      "SELECT nsg FROM flows WHERE source = 'dummy:dummy/dummy-a' LIMIT 1",
    );
    expect(first?.nsg).toBe('nsg-dummy');

    const series = await readSourceSeries(metrics);
    expect(series['dummy-a']).toEqual({
      kind: 'dummy',
      rows: 60,
      bytes: expect.any(Number),
      batches: 2,
      errors: {},
      inflightBytes: 0,
      lagSeconds: { 'dummy/dummy-a': 120 },
    });
    expect(series['dummy-a']?.bytes).toBeGreaterThan(60 * 30);
    const text = await metrics.registry.metrics();
    expect(text).toContain('flowlens_source_rows_total{source="dummy-a",kind="dummy"} 60');
    expect(text).toContain('flowlens_source_batches_total{source="dummy-a",kind="dummy"} 2');
    expect(text).toContain(
      'flowlens_source_lag_seconds{source="dummy-a",kind="dummy",key="dummy/dummy-a"} 120',
    );
  });

  it('a kind nobody registered fails the run as a configuration error, naming the kinds there are', async () => {
    const config = parseConfig({ sources: [{ type: 'dummy', tuples: 1, startTime: START }] });
    const deps = { db, metrics: createMetrics(), logger: silentLogger(), env: {} };
    await expect(startIngest(config, deps, new AbortController().signal)).rejects.toThrow(
      /unknown type "dummy" \(one of: file, blob, kafka, event-hubs\)/,
    );
  });
});

describe('the component contract for every built-in kind', () => {
  const entries: Record<string, object> = {
    file: { type: 'file', paths: ['/nonexistent/flowlens'] },
    blob: { type: 'blob', auth: { method: 'connection-string', connectionStringEnv: 'T_BLOB' } },
    kafka: { type: 'kafka', brokers: ['127.0.0.1:9'], topics: ['flows'] },
    'event-hubs': {
      type: 'event-hubs',
      connectionStringEnv: 'T_EH',
      checkpoint: { connectionStringEnv: 'T_BLOB', container: 'checkpoints' },
    },
  };
  const env = {
    T_BLOB: 'UseDevelopmentStorage=true',
    T_EH: 'Endpoint=sb://127.0.0.1/;SharedAccessKeyName=k;SharedAccessKey=a2V5;EntityPath=hub',
  };

  it('lists one entry per built-in kind', () => {
    expect(SOURCES.kinds).toEqual(Object.keys(entries));
  });

  it.each(Object.keys(entries))(
    '%s: built inert; stop is safe without start and safe twice',
    async (kind) => {
      const metrics = createMetrics();
      const built = SOURCES.build(entries[kind] as { type: string }, `${kind}-contract`, {
        db,
        metrics,
        logger: silentLogger(),
        env,
      });
      expect(built.component.kind).toBe(kind);
      const first = built.source.stop(5_000);
      const second = built.source.stop(5_000);
      expect(second).toBe(first);
      await expect(first).resolves.toBeUndefined();
      await expect(built.source.stop(5_000)).resolves.toBeUndefined();
      expect((await readSourceSeries(metrics))[`${kind}-contract`]).toBeUndefined(); // nothing ran
    },
  );
});

describe('documented series', () => {
  it('docs/operations.md lists every uniform source series', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'operations.md'), 'utf8');
    for (const name of Object.values(SOURCE_SERIES)) expect(doc).toContain(`\`${name}`);
  });
});
