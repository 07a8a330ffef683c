// Test helper run as its own process (chDB allows one data directory per process):
// `tsx test/scenario/seed-rule-flows.ts <db-dir> <nsg-json-out>` migrates the directory, inserts the
// rule scenario's flows and writes its NSG definitions (az CLI shape) for `flowlens rules import`.
import { writeFileSync } from 'node:fs';
import { openDb } from '../../core/clickhouse/client.js';
import { migrate } from '../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../core/clickhouse/migrations/types.js';
import { nsgDefinitions, scenarioFlows } from './rules-scenario.js';

const [dir, nsgOut] = process.argv.slice(2);
if (!dir || !nsgOut) throw new Error('usage: seed-rule-flows.ts <db-dir> <nsg-json-out>');
const db = openDb({ kind: 'embedded', path: dir });
await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
await db.client.insert({ table: 'flows', values: scenarioFlows(), format: 'JSONEachRow' });
await db.close();
writeFileSync(nsgOut, JSON.stringify(nsgDefinitions(), null, 2));
