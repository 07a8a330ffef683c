import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readIngestHealth } from '../../../api/routes/ingest/health-read.js';
import { BLOB_NSG, FLOW_LOG_KEY, FLOW_LOG_LABEL } from '../../../api/routes/ingest/queries.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { parseConfig } from '../../../core/config/load.js';
import { recordDataset } from '../../../core/enrich/store.js';
import { openTestDb, rows } from '../../harness/chdb.js';
import {
  ARM,
  ago,
  insertHealthRejects,
  insertHealthRows,
  minutes,
  nsgBlob,
} from '../../harness/ingest-health.js';

/**
 * The Grafana ingest dashboard tells the same story as the ingest health page: the same flow-log
 * key, and for the same instant (the range end, `$__toTime`) the same status, lag and rejects.
 */
const NOW = new Date('2031-06-15T12:00:00Z');
const ch = (d: Date) => `toDateTime('${d.toISOString().slice(0, 19).replace('T', ' ')}', 'UTC')`;
const FROM = ch(ago(NOW, 86_400));
const TO = ch(NOW);

function expand(sql: string): string {
  return sql
    .replace(/\$__timeFilter\((\w+)\)/g, `$1 >= ${FROM} AND $1 <= ${TO}`)
    .replace(/\$__timeInterval\((\w+)\)/g, 'toStartOfInterval($1, INTERVAL 60 second)')
    .replace(/\$__fromTime/g, FROM)
    .replace(/\$__toTime/g, TO);
}

interface Panel {
  title: string;
  targets: { rawSql: string }[];
}
const dashboard = JSON.parse(readFileSync('dashboards/grafana/flowlens-ingest.json', 'utf8')) as {
  panels: Panel[];
};
const sqlOf = (prefix: string) =>
  expand(dashboard.panels.find((p) => p.title.startsWith(prefix))!.targets[0]!.rawSql);

let db: Db & { close(): Promise<void> };
beforeAll(async () => {
  db = await openTestDb();
  const blob = (arm: string, t: Date) =>
    `blob:${nsgBlob(arm, new Date(Math.floor(t.getTime() / 3_600_000) * 3_600_000))}`;
  await insertHealthRows(db, [
    ...minutes(ago(NOW, 600), NOW).map((t) => ({
      time: t,
      arrived: new Date(t.getTime() + 20_000),
      format: 'nsg-v2' as const,
      nsg: 'NSG-OK',
      target: ARM.nsgOk,
      source: blob(ARM.nsgOk, t),
    })),
    {
      time: ago(NOW, 900),
      arrived: ago(NOW, 5),
      format: 'nsg-v2',
      nsg: 'NSG-LATE',
      target: ARM.nsgLate,
      source: blob(ARM.nsgLate, ago(NOW, 900)),
    },
    {
      time: ago(NOW, 4000),
      arrived: ago(NOW, 3900),
      format: 'vnet',
      nsg: '',
      target: ARM.subnet,
      source: 'kafka:t/0',
    },
  ]);
  await insertHealthRejects(db, [
    { time: ago(NOW, 60), kind: 'blob', source: blob(ARM.nsgOk, ago(NOW, 60)).slice(5), reason: 'tuple-ip' },
    { time: ago(NOW, 60), kind: 'kafka', source: 't/0', reason: 'frame' },
  ]);
  await recordDataset(
    db.client,
    { name: 'asn', version: 'v9', source: 'file:/a.csv', rows: 3, dataDate: ago(NOW, 5 * 86_400) },
    NOW,
  );
});
afterAll(async () => db?.close());

describe('Grafana ingest dashboard', () => {
  it('uses the flow-log key and reject attribution of the API', () => {
    const text = JSON.stringify(dashboard);
    for (const sql of [FLOW_LOG_KEY, FLOW_LOG_LABEL, BLOB_NSG])
      expect(text).toContain(JSON.stringify(sql).slice(1, -1));
  });

  it('shows the status and lag the API shows for the same instant', async () => {
    const panel = await rows<{ name: string; status: string; lag_s: number; rows: number }>(
      db,
      sqlOf('Ingest: flow logs'),
    );
    const api = await readIngestHealth({ db, config: parseConfig({ rules: { windowDays: 1 } }) }, NOW);
    expect(panel.map((r) => [r.name, r.status, Number(r.lag_s)])).toEqual(
      api.flowLogs.map((f) => [f.name, f.status, f.lagSeconds]),
    );
    expect(panel.map((r) => r.status)).toEqual(['silent', 'late', 'ok']);
  });

  it('rows per minute, rejects by flow log and datasets with their age', async () => {
    const perMinute = await rows<{ flow_log_name: string; rows: number }>(
      db,
      sqlOf('Ingest: rows per minute'),
    );
    expect(perMinute.filter((r) => r.flow_log_name === 'NSG-OK').map((r) => Number(r.rows))).toEqual(
      Array(10).fill(1),
    );
    const rejects = await rows<{ flow_log_name: string; reason: string; rejects: number }>(
      db,
      sqlOf('Ingest: rejects'),
    );
    // the Kafka partition carries only the subnet's flow log here, so its reject is the subnet's (key lower-cased)
    expect(rejects.map((r) => [r.flow_log_name, r.reason, Number(r.rejects)])).toEqual([
      ['nsg-ok', 'tuple-ip', 1],
      ['snet-app', 'frame', 1],
    ]);
    const datasets = await rows<{ name: string; dataset_version: string; age_days: number }>(
      db,
      sqlOf('Ingest: enrichment'),
    );
    expect(datasets.find((d) => d.name === 'asn')).toMatchObject({ dataset_version: 'v9' });
    expect(Number(datasets.find((d) => d.name === 'asn')!.age_days)).toBe(5);
  });
});
