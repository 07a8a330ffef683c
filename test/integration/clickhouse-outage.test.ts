import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../core/clickhouse/client.js';
import { migrate } from '../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../core/clickhouse/migrations/types.js';
import { createMetrics, type Metrics } from '../../core/metrics.js';
import type { SourceBatch } from '../../ingest/contracts.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { createFileSource } from '../../ingest/sources/file/source.js';
import { type TestApi, testApi } from '../harness/api.js';
import { makeRecord } from '../harness/azure-blob-writer.js';
import { count } from '../harness/chdb.js';
import { type ClickHouseDouble, spawnClickHouseDouble } from '../harness/clickhouse-server/process.js';

/**
 * Back-pressure in server mode, with the ClickHouse HTTP test double's fault switches: while the
 * database is down or refusing inserts nothing is acked (the source keeps its place and replays),
 * `/readyz` says not ready, and once it recovers every row is stored exactly once — also when an
 * insert landed but its response was lost, and through bursts of 252 TOO_MANY_PARTS and slow inserts.
 * The real file source, pipeline and sink; each batch's ack is recorded on its way through.
 */
let double: ClickHouseDouble;
let db: Db;
let api: TestApi;
const dir = mkdtempSync(join(tmpdir(), 'flowlens-outage-'));
const STREAM = { kind: 'nsg', subscription: 'sub', resourceGroup: 'rg', name: 'nsg-outage' } as const;

beforeAll(async () => {
  double = await spawnClickHouseDouble();
  db = openDb({ kind: 'server', url: double.url });
  await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
  api = testApi(db);
});
afterAll(async () => {
  await db?.close();
  await double?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A PT1H-style file of `records` records × 40 tuples; returns its path and tuple count. */
function flowFile(name: string, records: number): { path: string; tuples: number } {
  const t0 = Date.UTC(2025, 2, 1, 10);
  const list = Array.from({ length: records }, (_, i) =>
    makeRecord(STREAM, '00AABBCCDD01', t0 + i * 60_000, 40),
  );
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ records: list }));
  return { path, tuples: records * 40 };
}

/** One pipeline run over `path` (as a supervisor's attempt), recording acked positions. */
async function ingestOnce(path: string, acked: string[], attempts = 3, metrics?: Metrics) {
  const source = createFileSource({ paths: [path], chunkBytes: 4096 });
  const sink = createClickHouseSink({
    db,
    batchRows: 100,
    ...(metrics ? { metrics } : {}),
    retry: { attempts, baseDelayMs: 20, maxDelayMs: 100 },
  });
  const recording = {
    ...source,
    async *batches(signal: AbortSignal): AsyncGenerator<SourceBatch> {
      for await (const b of source.batches(signal)) {
        const ack = async () => {
          acked.push(`${b.position.start}-${b.position.end}`);
          await b.ack();
        };
        yield { ...b, ack };
      }
    },
  };
  try {
    return await runPipeline({ source: recording, normalize, sink, signal: new AbortController().signal });
  } finally {
    await sink.close();
    await source.stop();
  }
}

const flowsOf = (path: string) => count(db, 'flows', `source = 'file:${path}'`);

describe('ClickHouse server outage and back-pressure (test double)', () => {
  it('acks nothing while down, reports not ready, and stores every row once after recovery', async () => {
    const { path, tuples } = flowFile('down.json', 30);
    expect((await api.get('/readyz')).status).toBe(200);
    await double.fault({ down: true });
    const acked: string[] = [];
    const metrics = createMetrics();
    const failed = await ingestOnce(path, acked, 3, metrics);
    expect(failed.error).toBeDefined();
    expect(acked).toEqual([]);
    expect((await api.get('/readyz')).status).toBe(503);
    // The outage shows in the metrics: every attempt failed as transient, no row counted.
    const errors = await metrics.insertErrorsTotal.get();
    expect(errors.values).toEqual([{ labels: { table: 'flows', kind: 'transient' }, value: 3 }]);

    await double.fault({ down: false });
    expect((await api.get('/readyz')).status).toBe(200);
    const recovered = await ingestOnce(path, acked);
    expect(recovered.error).toBeUndefined();
    expect(acked.length).toBeGreaterThan(1);
    expect(await flowsOf(path)).toBe(tuples);
    // A supervisor that replays the whole file again adds nothing.
    await ingestOnce(path, []);
    expect(await flowsOf(path)).toBe(tuples);
  });

  it('retries lost responses, resets, 503s and 252 bursts into exactly the rows once', async () => {
    const { path, tuples } = flowFile('flaky.json', 20);
    await double.fault({ dropResponses: 2, resetInserts: 1, unavailable: 1, error: { code: 252, count: 2 } });
    const acked: string[] = [];
    const r = await ingestOnce(path, acked, 10);
    expect(r.error).toBeUndefined();
    expect(await flowsOf(path)).toBe(tuples);
    const { stats } = await double.fault({ clear: true });
    expect(stats).toMatchObject({ droppedResponses: 2, resets: 1, served503: 1, injectedErrors: 2 });
  });

  it('a slow server holds the pipeline back without losing or repeating rows', async () => {
    const { path, tuples } = flowFile('slow.json', 6);
    await double.fault({ slowInsertMs: 200 });
    const acked: string[] = [];
    const r = await ingestOnce(path, acked);
    const { stats } = await double.fault({ clear: true });
    expect(r.error).toBeUndefined();
    expect(stats.slowedInserts).toBeGreaterThan(1);
    expect(new Set(acked).size).toBe(acked.length);
    expect(await flowsOf(path)).toBe(tuples);
  });
});
