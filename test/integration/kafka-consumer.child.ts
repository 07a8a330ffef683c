// A consumer process for the crash test (kafka-crash.test.ts): Kafka source → real normalizer →
// ClickHouse sink into an embedded chDB directory. The test SIGKILLs it at random moments.
// argv: <db dir> <brokers> <topic> <group>. Prints one JSON line of stats after every batch.
import { openDb } from '../../core/clickhouse/client.js';
import { migrate } from '../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../core/clickhouse/migrations/types.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { KafkaSourceConfigSchema } from '../../ingest/sources/kafka/config.js';
import { createKafkaSource, withKafkaFrames } from '../../ingest/sources/kafka/index.js';
import { sinkCoalesce } from '../harness/crash-checks.js';

const [dir, brokers, topic, group] = process.argv.slice(2) as [string, string, string, string];
// Installed before anything slow: the test may send SIGTERM as soon as it reads the ready line,
// which can come before any batch when earlier consumers already committed everything.
const ac = new AbortController();
process.on('SIGTERM', () => ac.abort());
process.stdout.write(`${JSON.stringify({ ready: 1 })}\n`);
const db = openDb({ kind: 'embedded', path: dir });
await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
const cfg = KafkaSourceConfigSchema.parse({
  type: 'kafka',
  brokers: brokers.split(','),
  topics: [topic],
  groupId: group,
  range: { maxMessages: 7, lingerMs: 100 },
  sessionTimeoutMs: 6000, // a killed consumer's partitions move on after 6 s (the broker's minimum)
});
const source = createKafkaSource(cfg, { secrets: {} });
const sink = createClickHouseSink({ db, ...sinkCoalesce() });
const result = await runPipeline({
  source,
  sink,
  normalize: withKafkaFrames(normalize),
  signal: ac.signal,
  onBatch: (stats) => process.stdout.write(`${JSON.stringify({ ...stats, ...source.stats() })}\n`),
});
await source.stop();
await sink.close();
await db.close();
process.stdout.write(`${JSON.stringify({ done: true, ...result })}\n`);
process.exit(result.error ? 1 : 0);
