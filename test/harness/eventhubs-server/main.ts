/**
 * The Event Hubs **test double** (not an emulator) as its own process, for benchmarks and manual
 * runs, so its CPU is measured apart from the consumer's: `tsx test/harness/eventhubs-server/main.ts
 * '{"hubs":{"flowlogs":4}}'` prints one JSON line `{"port":…,"connectionString":…}` and serves until
 * SIGTERM/SIGINT. Publish with the real EventHubProducerClient (or `flowlens publish`).
 */
import { startEventHubsTestDouble } from './server.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as { hubs?: Record<string, number>; port?: number };
const double = await startEventHubsTestDouble({
  ...(spec.hubs ? { hubs: spec.hubs } : {}),
  ...(spec.port !== undefined ? { port: spec.port } : {}),
});
process.stdout.write(
  `${JSON.stringify({ port: double.port, connectionString: double.connectionString() })}\n`,
);
const stop = () => {
  double.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
