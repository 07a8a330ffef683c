import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../core/clickhouse/client.js';
import { flowTypeSql } from '../../../core/enrich/flow-type.js';
import { enrichSql } from '../../../core/enrich/tables.js';
import { SCENARIO_FINDINGS, seedFindings } from '../../harness/api-findings.js';
import { SCENARIO_FLOWS } from '../../harness/api-scenario.js';
import { type SeedFlow, seedFlows } from '../../harness/api-seed.js';
import { openTestDb, rows } from '../../harness/chdb.js';
import { loadEnrichSlices, SLICE_PEERS } from '../../harness/enrich-slices.js';

/**
 * The Grafana dashboards' SQL runs against the real schema: the plugin's macros are expanded the way
 * grafana-clickhouse-datasource does, for the scenario's hour, and every panel must return rows.
 * @see https://github.com/grafana/clickhouse-datasource#macros
 */
const FILES = ['flowlens-traffic.json', 'flowlens-security.json', 'flowlens-ingest.json'];
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

/** Internet peers the enrichment slices know (docs/enrichment.md), in the scenario hour. */
const ENRICHED_FLOWS: SeedFlow[] = [
  ...[50, 51].map((m) => ({
    time: `2026-01-10 11:${m}:00`,
    nsg: 'nsg-app',
    rule: 'DefaultRule_AllowInternetOutBound',
    src_ip: '10.0.2.10',
    dst_ip: SLICE_PEERS.google.ip,
    dst_port: 443,
    direction: 'outbound' as const,
    action: 'allow' as const,
    bytes_sent: 50_000_000,
  })),
  {
    time: '2026-01-10 11:52:00',
    nsg: 'nsg-web',
    rule: 'DefaultRule_DenyAllInBound',
    src_ip: SLICE_PEERS.cloudflare.ip,
    dst_ip: '10.0.1.5',
    dst_port: 22,
    direction: 'inbound',
    action: 'deny',
  },
];

const dashboard = (f: string) =>
  JSON.parse(readFileSync(`dashboards/grafana/${f}`, 'utf8')) as { panels: Panel[] };
const sqlOf = (title: string) =>
  expand(dashboard('flowlens-traffic.json').panels.find((p) => p.title === title)!.targets[0]!.rawSql);

let db: Db & { close(): Promise<void> };
beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, SCENARIO_FLOWS);
  await seedFlows(db, ENRICHED_FLOWS, 1000);
  await loadEnrichSlices(db.client, new Date('2026-01-10T13:00:00Z'));
  await seedFindings(db, SCENARIO_FINDINGS);
});
afterAll(async () => db.close());

describe('Grafana dashboards', () => {
  const panels = FILES.flatMap((f) => {
    return dashboard(f).panels.map((p) => [`${f}: ${p.title}`, p] as const);
  });
  it.each(panels.filter(([name]) => !name.includes('Ingest')))('%s returns rows', async (_name, panel) => {
    for (const t of panel.targets) expect((await rows(db, expand(t.rawSql))).length).toBeGreaterThan(0);
  });
  it.each(panels.filter(([name]) => name.includes('Ingest')))('%s is valid SQL', async (_name, panel) => {
    for (const t of panel.targets) expect(Array.isArray(await rows(db, expand(t.rawSql)))).toBe(true);
  });

  it("the country, AS and flow-type panels use the API's enrichment SQL and name the peers", async () => {
    const traffic = JSON.stringify(dashboard('flowlens-traffic.json'));
    for (const sql of [enrichSql.country(), enrichSql.asn(), flowTypeSql()])
      expect(traffic).toContain(JSON.stringify(sql).slice(1, -1));
    const countries = await rows<{ country: string; bytes: number; flows: number; denied_flows: number }>(
      db,
      sqlOf('Internet peers by country (bytes)'),
    );
    expect(countries[0]).toMatchObject({ country: 'US', flows: 2, denied_flows: 0 });
    expect(Number(countries[0]!.bytes)).toBe(100_000_000);
    expect(countries.find((c) => c.country === 'AU')).toMatchObject({ flows: 1, denied_flows: 1 });
    // The scenario's documentation and example.com addresses are in no slice.
    expect(countries.find((c) => c.country === 'unknown')).toMatchObject({ flows: 13 });
    const networks = await rows<{ asn: number; as_name: string; country: string }>(
      db,
      sqlOf('Internet peers by network (AS)'),
    );
    expect(networks[0]).toMatchObject({ asn: 15169, as_name: 'Google LLC', country: 'US' });
    const types = await rows<{ flow_type: string; flows: number }>(db, sqlOf('Flows by flow type'));
    expect(Object.fromEntries(types.map((t) => [t.flow_type, Number(t.flows)]))).toEqual({
      ExternalPublic: 16,
      UnknownPrivate: 4,
    });
  });
});
