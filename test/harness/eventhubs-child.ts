/**
 * A consumer process for the crash test (test/integration/eventhubs-crash.test.ts): the real
 * Event Hubs source → normalizer → ClickHouse sink on the embedded chDB at EH_DB_DIR. Prints
 * `ready` once started and `rows <n>` every 100 ms; SIGTERM stops it gracefully. The test kills
 * it with SIGKILL at arbitrary points and starts it again on the same directory. With
 * EH_KILL_AFTER_WRITES=n it kills itself right after the n-th durable write, before its ack (the
 * checkpoint): the worst point, where only identical replayed ranges avoid duplicates.
 */
import { openDb } from '../../core/clickhouse/client.js';
import { migrate } from '../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../core/clickhouse/migrations/types.js';
import { count } from './chdb.js';
import { startConsumer } from './eventhubs-consumer.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const db = openDb({ kind: 'embedded', path: env('EH_DB_DIR') });
await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
const consumer = startConsumer({
  db,
  eventHubsConnectionString: env('EH_CONNECTION_STRING'),
  storageConnectionString: env('EH_STORAGE_CONNECTION_STRING'),
  container: env('EH_CONTAINER'),
  config: { maxBatchEvents: Number(process.env.EH_MAX_BATCH ?? 10) },
  wrapSink: (sink) => {
    const killAfter = Number(process.env.EH_KILL_AFTER_WRITES ?? 0);
    let writes = 0;
    // Counts ranges made durable (a coalesced write holds several), so the kill point means the same with batching.
    const wrote = (ranges = 1) => {
      const before = writes;
      writes += ranges;
      if (before < killAfter && writes >= killAfter) process.kill(process.pid, 'SIGKILL');
    };
    const batching = sink.batching;
    return {
      write: async (columns, rejects, position) => {
        const result = await sink.write(columns, rejects, position);
        wrote();
        return result;
      },
      close: () => sink.close(),
      // Coalesced inserts (on by default) are writes too: the kill lands after one of them as well.
      ...(batching
        ? {
            batching: {
              ...batching,
              writeBatch: async (members, id) => {
                const result = await batching.writeBatch(members, id);
                wrote(members.length);
                return result;
              },
            },
          }
        : {}),
    };
  },
});
process.stdout.write('ready\n');
const timer = setInterval(() => {
  count(db, 'flows').then(
    (n) => process.stdout.write(`rows ${n}\n`),
    () => undefined,
  );
}, 100);
process.once('SIGTERM', () => {
  clearInterval(timer);
  consumer
    .stop()
    .then(() => db.close())
    .then(
      () => process.exit(0),
      () => process.exit(1),
    );
});
