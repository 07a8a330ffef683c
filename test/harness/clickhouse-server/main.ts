/**
 * The ClickHouse HTTP **test double** (server.ts; chDB behind ClickHouse's HTTP interface, not a
 * ClickHouse server) as its own process: chDB binds one data directory per process, and the
 * product under test must not share the engine with it. `tsx test/harness/clickhouse-server/main.ts
 * '{"dataDir":"/tmp/x","users":{"default":""}}'` prints one JSON line `{"port":…,"controlPort":…}`
 * and serves until SIGTERM/SIGINT.
 */
import { startClickHouseDouble } from './server.js';

const spec = JSON.parse(process.argv[2] ?? '{}') as {
  dataDir: string;
  port?: number;
  users?: Record<string, string>;
};
const double = await startClickHouseDouble(spec);
process.stdout.write(`${JSON.stringify({ port: double.port, controlPort: double.controlPort })}\n`);
const stop = () => {
  double.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
