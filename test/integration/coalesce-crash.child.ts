// A process for coalesce-crash.test.ts: file source over many small blobs → real normalizer →
// ClickHouse sink with coalesced inserts into an embedded chDB directory. With a kill point it
// SIGKILLs itself around the Nth coalesced insert: `before` (membership recorded, insert not run)
// or `after` (insert durable, nothing acked). argv: <db dir> <data dir> <none|before|after> <N> <maxRows>.
import { openDb } from '../../core/clickhouse/client.js';
import { migrate } from '../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../core/clickhouse/migrations/types.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { type BlockWriter, chdbFileWriter } from '../../ingest/sinks/clickhouse/block-writer.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { defaultStagingRoot, StagingArea } from '../../ingest/sinks/clickhouse/staging.js';
import { clickHouseFilePositions } from '../../ingest/sources/file/positions.js';
import { createFileSource } from '../../ingest/sources/file/source.js';

const [dbDir, dataDir, mode, nth, maxRows] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const db = openDb({ kind: 'embedded', path: dbDir });
await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
const real = chdbFileWriter(db.client, new StagingArea(defaultStagingRoot()));
let inserts = 0;
const writer: BlockWriter = {
  insert: (block, token) => real.insert(block, token),
  async insertMany(blocks, token) {
    inserts++;
    const kill = inserts === Number(nth);
    if (kill && mode === 'before') process.kill(process.pid, 'SIGKILL');
    await real.insertMany!(blocks, token);
    if (kill && mode === 'after') process.kill(process.pid, 'SIGKILL');
  },
};
const source = createFileSource({ paths: [dataDir], positions: clickHouseFilePositions(db.client) });
const sink = createClickHouseSink({ db, writer, coalesce: { maxRows: Number(maxRows), maxDelayMs: 200 } });
const result = await runPipeline({ source, sink, normalize, signal: new AbortController().signal });
await source.stop();
await sink.close();
await db.close();
process.stdout.write(`${JSON.stringify({ done: true, inserts, ...result })}\n`);
process.exit(result.error ? 1 : 0);
