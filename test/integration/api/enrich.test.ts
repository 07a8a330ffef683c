import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Completion } from '../../../api/routes/filter/routes.js';
import type { FindingDetail } from '../../../api/routes/findings/routes.js';
import type { FlowPage } from '../../../api/routes/flows/routes.js';
import type { TopResponse } from '../../../api/routes/traffic/routes.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { NetworkInventorySchema } from '../../../core/config/sections/enrich.js';
import { ASN_CSV, COUNTRY_CSV } from '../../../core/enrich/datasets.js';
import { ensureNetworks } from '../../../core/enrich/flow-type.js';
import { loadIntelList } from '../../../core/enrich/load.js';
import { loadRangeFiles } from '../../../core/enrich/ranges.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { SCENARIO_FINDINGS, seedFindings } from '../../harness/api-findings.js';
import { SCENARIO_FLOWS } from '../../harness/api-scenario.js';
import { seedFlows } from '../../harness/api-seed.js';
import { openTestDb } from '../../harness/chdb.js';

let db: Db & { close(): Promise<void> };
let api: TestApi;
const W = 'from=2026-01-10T11:00:00Z&to=2026-01-10T12:00:00Z';
const NOW = new Date('2026-01-11T00:00:00Z');
const tmp = mkdtempSync(join(tmpdir(), 'flowlens-api-enrich-'));

beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, SCENARIO_FLOWS);
  await seedFindings(db, SCENARIO_FINDINGS);
  // The scenario's peers: 203.0.113.9 and 198.51.100.7 (inbound), 93.184.216.34 (outbound).
  writeFileSync(
    join(tmp, 'asn.csv'),
    '93.184.216.0,93.184.216.255,15133,"Edgecast, Inc."\n203.0.113.0,203.0.113.255,64500,Example Net\n',
  );
  writeFileSync(
    join(tmp, 'country.csv'),
    '93.184.216.0,93.184.216.255,US\n198.51.100.0,198.51.100.255,NL\n203.0.113.0,203.0.113.255,NL\n',
  );
  const meta = { version: 't', source: 'file:t', dataDate: NOW, now: NOW };
  await loadRangeFiles(db.client, ASN_CSV, [join(tmp, 'asn.csv')], meta);
  await loadRangeFiles(db.client, COUNTRY_CSV, [join(tmp, 'country.csv')], meta);
  await loadIntelList(
    db.client,
    { name: 'firehol', prefixes: ['198.51.100.0/24'], confidence: 70 },
    { source: 't', now: NOW },
  );
  await ensureNetworks(
    db.client,
    NetworkInventorySchema.parse({ vnets: [{ name: 'app', prefixes: ['10.0.0.0/16'] }] }),
    () => NOW,
  );
  api = testApi(db);
});
afterAll(async () => {
  await db.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function json<T>(path: string): Promise<T> {
  const res = await api.get(path);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as T;
}
const q = (filter: string) => encodeURIComponent(filter);

describe('enrichment in the API', () => {
  it('flows carry country, ASN, AS name, service tag and threat lists of the peer', async () => {
    const page = await json<FlowPage>(`/api/flows?${W}&limit=500&filter=${q('remote_ip = 93.184.216.34')}`);
    expect(page.rows.length).toBeGreaterThan(0);
    expect(page.rows[0]).toMatchObject({
      remote_country: 'US',
      remote_asn: 15133,
      remote_as_name: 'Edgecast, Inc.',
      service_tag: '',
      threat_lists: [],
      flow_type: 'ExternalPublic',
    });
    const listed = await json<FlowPage>(`/api/flows?${W}&limit=500&filter=${q('threat_list = firehol')}`);
    expect(new Set(listed.rows.map((r) => r.src_ip))).toEqual(new Set(['198.51.100.7']));
    const notNl = await json<FlowPage>(
      `/api/flows?${W}&limit=500&filter=${q('remote_country != NL AND remote_asn = 15133')}`,
    );
    expect(notNl.rows.every((r) => r.remote_as_name === 'Edgecast, Inc.')).toBe(true);
    expect(notNl.rows.length).toBe(page.rows.length);
  });

  it('traffic top-N by country, ASN and threat list', async () => {
    const byCountry = await json<TopResponse>(`/api/traffic/top?${W}&dimension=remote_country&metric=flows`);
    expect(byCountry.source.table).toBe('flows_remote_1h');
    expect(byCountry.rows.map((r) => r.key.remote_country)).toEqual(expect.arrayContaining(['NL', 'US']));
    const byAsn = await json<TopResponse>(`/api/traffic/top?${W}&dimension=remote_asn&metric=bytes&limit=1`);
    expect(byAsn.rows[0]?.key).toEqual({ remote_asn: 15133, remote_as_name: 'Edgecast, Inc.' });
    const byType = await json<TopResponse>(`/api/traffic/top?${W}&dimension=flow_type&metric=flows`);
    expect(byType.rows.map((r) => r.key.flow_type)).toEqual(
      expect.arrayContaining(['ExternalPublic', 'MaliciousFlow']),
    );
    const malicious = await json<FlowPage>(
      `/api/flows?${W}&limit=500&filter=${q('flow_type = MaliciousFlow')}`,
    );
    expect(new Set(malicious.rows.map((r) => r.src_ip))).toEqual(new Set(['198.51.100.7']));
    const byPeer = await json<TopResponse>(`/api/traffic/top?${W}&dimension=remote_ip&metric=bytes&limit=1`);
    expect(byPeer.rows[0]?.key).toEqual({
      remote_ip: '93.184.216.34',
      remote_country: 'US',
      remote_asn: 15133,
      remote_as_name: 'Edgecast, Inc.',
      service_tag: '',
      threat_lists: '',
    });
    const byList = await json<TopResponse>(`/api/traffic/top?${W}&dimension=threat_list&metric=flows`);
    expect(byList.rows.map((r) => [r.key.threat_list, r.value])).toEqual([['firehol', 4]]);
  });

  it('completes the new fields with their values', async () => {
    const c = await json<Completion>(`/api/filter/complete?field=threat_list&${W}`);
    expect(c.fields[0]?.name).toBe('threat_list');
    expect(c.values).toEqual([{ value: 'firehol', count: 4 }]);
    const country = await json<Completion>(`/api/filter/complete?field=remote_country&prefix=N&${W}`);
    expect(country.values.map((v) => v.value)).toEqual(['NL']);
    const all = await json<Completion>('/api/filter/complete');
    const names = all.fields.map((f) => f.name);
    for (const f of [
      'remote_country',
      'remote_asn',
      'remote_as_name',
      'service_tag',
      'threat_list',
      'flow_type',
    ])
      expect(names).toContain(f);
  });

  it('a finding detail says who its remote address is, and its evidence flows carry the enrichment', async () => {
    const id = SCENARIO_FINDINGS.find((f) => f.subject.remoteIp === '93.184.216.34')!.id;
    const d = await json<FindingDetail>(`/api/findings/${encodeURIComponent(id)}`);
    expect(d.peer).toEqual({
      ip: '93.184.216.34',
      country: 'US',
      asn: 15133,
      asName: 'Edgecast, Inc.',
      serviceTag: '',
      threatLists: [],
    });
    expect(d.evidence.flows.length).toBeGreaterThan(0);
    expect(
      d.evidence.flows.every((f) => f.remote_country !== undefined && Array.isArray(f.threat_lists)),
    ).toBe(true);
  });
});
