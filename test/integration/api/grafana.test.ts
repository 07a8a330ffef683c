import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { SCENARIO_FINDINGS, seedFindings } from '../../harness/api-findings.js';
import { SCENARIO_FLOWS } from '../../harness/api-scenario.js';
import { seedFlows } from '../../harness/api-seed.js';
import { openTestDb, rows } from '../../harness/chdb.js';

/**
 * The Grafana dashboards' SQL runs against the real schema: the plugin's macros are expanded the way
 * grafana-clickhouse-datasource does, for the scenario's hour, and every panel must return rows.
 * @see https://github.com/grafana/clickhouse-datasource#macros
 */
const FILES = ['flowlens-traffic.json', 'flowlens-security.json'];
const FROM = "toDateTime('2026-01-10 11:00:00', 'UTC')";
const TO = "toDateTime('2026-01-10 12:00:00', 'UTC')";

function expand(sql: string): string {
  return sql
    .replace(/\$__timeFilter\((\w+)\)/g, `$1 >= ${FROM} AND $1 <= ${TO}`)
    .replace(/\$__timeInterval\((\w+)\)/g, 'toStartOfInterval($1, INTERVAL 60 second)')
    .replace(/\$__fromTime/g, FROM)
    .replace(/\$__toTime/g, TO)
    .replace(/'\$\{nsg:csv\}'/g, "''")
    .replace(/\$\{nsg:singlequote\}/g, "''");
}

interface Panel {
  title: string;
  targets: { rawSql: string }[];
}

let db: Db & { close(): Promise<void> };
beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, SCENARIO_FLOWS);
  await seedFindings(db, SCENARIO_FINDINGS);
});
afterAll(async () => db.close());

describe('Grafana dashboards', () => {
  const panels = FILES.flatMap((f) => {
    const d = JSON.parse(readFileSync(`dashboards/grafana/${f}`, 'utf8')) as { panels: Panel[] };
    return d.panels.map((p) => [`${f}: ${p.title}`, p] as const);
  });
  it.each(panels.filter(([name]) => !name.includes('Ingest')))('%s returns rows', async (_name, panel) => {
    for (const t of panel.targets) expect((await rows(db, expand(t.rawSql))).length).toBeGreaterThan(0);
  });
  it.each(panels.filter(([name]) => name.includes('Ingest')))('%s is valid SQL', async (_name, panel) => {
    for (const t of panel.targets) expect(Array.isArray(await rows(db, expand(t.rawSql)))).toBe(true);
  });
});
