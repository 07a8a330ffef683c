import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateNsgV2Blob } from '../../bench/gen-blob.js';
import { TransientError } from '../../core/errors.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import type { BlockWriter } from '../../ingest/sinks/clickhouse/block-writer.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { ackGatedSource } from '../harness/ack-gated-source.js';
import { count, emptyIngestTables, openTestDb } from '../harness/chdb.js';

/**
 * A write that fails for good ends the run even when the source has nothing more to hand out
 * until its ranges are acked (issue 16). That is how an Event Hubs partition, a Kafka partition at
 * its in-flight budget and a blob with a range in flight behave: with coalescing on, every range of
 * every blob sat in the failed batch, the source yielded nothing, the pipeline never saw the
 * failure, and `flowlens run` hung through a 2-minute outage instead of restarting the source.
 */
let db: Awaited<ReturnType<typeof openTestDb>>;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.close();
});
beforeEach(async () => emptyIngestTables(db));

const bodies = [0, 1, 2].map((i) => generateNsgV2Blob({ targetBytes: 20_000, seed: 300 + i }));

/** The database refuses every insert of flows (a server that went down). */
const downWriter: BlockWriter = {
  insert: async () => {
    throw new TransientError('connect ECONNREFUSED (the database is down)');
  },
  insertMany: async () => {
    throw new TransientError('connect ECONNREFUSED (the database is down)');
  },
};

/** Resolves with the run's result, or with 'hung' if it has not ended long after the failure. */
function settled<T>(run: Promise<T>, ms = 30_000): Promise<T | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((r) => {
    timer = setTimeout(() => r('hung'), ms);
  });
  return Promise.race([run, hung]).finally(() => clearTimeout(timer));
}

describe('a write that fails for good while the source waits for acks', () => {
  for (const coalesce of [true, false])
    it(`ends the run with the write error, acks nothing, and stops the source (coalescing ${coalesce ? 'on' : 'off'})`, async () => {
      const acked: string[] = [];
      const sink = createClickHouseSink({
        db,
        writer: downWriter,
        retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
        coalesce: coalesce ? { maxDelayMs: 100, idleMs: 50 } : false,
      });
      const outer = new AbortController();
      const result = await settled(
        runPipeline({
          source: ackGatedSource({ bodies, acked, streamOn: true }),
          normalize,
          sink,
          signal: outer.signal,
        }),
      );
      outer.abort(); // lets a hung run end after the assertion below failed
      await sink.close();
      expect(result).not.toBe('hung');
      expect(result).toMatchObject({ failedStep: 'write', batches: 0, rows: 0 });
      expect((result as { error?: Error }).error?.message).toMatch(/ECONNREFUSED/);
      expect(acked).toEqual([]);
      expect(await count(db, 'flows')).toBe(0);
    });
});
