import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingDetail, FindingList } from '../../../api/routes/findings/routes.js';
import type { FlowPage } from '../../../api/routes/flows/routes.js';
import type { Db } from '../../../core/clickhouse/client.js';
import { type TestApi, testApi } from '../../harness/api.js';
import { SCENARIO_FINDINGS, seedFindings } from '../../harness/api-findings.js';
import { SCENARIO_FLOWS } from '../../harness/api-scenario.js';
import { seedFlows } from '../../harness/api-seed.js';
import { openTestDb } from '../../harness/chdb.js';

let db: Db & { close(): Promise<void> };
let api: TestApi;
const W = 'from=2026-01-10T11:00:00Z&to=2026-01-10T12:00:00Z';

beforeAll(async () => {
  db = await openTestDb();
  await seedFlows(db, SCENARIO_FLOWS);
  await seedFindings(db, SCENARIO_FINDINGS);
  api = testApi(db);
});
afterAll(async () => db.close());

async function json<T>(res: Response | Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(status);
  return (await r.json()) as T;
}

describe('flow search', () => {
  it('pages through every flow exactly once with the keyset cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page: FlowPage = await json(
        api.get(`/api/flows?${W}&limit=5${cursor ? `&cursor=${cursor}` : ''}`),
      );
      seen.push(...page.rows.map((r) => `${r.time}|${r.source}|${r.record_offset}`));
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(4);
    expect(seen).toHaveLength(SCENARIO_FLOWS.length);
    expect(new Set(seen).size).toBe(SCENARIO_FLOWS.length);
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it('filters and formats rows', async () => {
    const f = encodeURIComponent('dst_port = 3389 AND src_ip = 198.51.100.7');
    const page = await json<FlowPage>(api.get(`/api/flows?${W}&filter=${f}&order=asc`));
    expect(page.rows).toHaveLength(4);
    expect(page.rows[0]).toMatchObject({
      time: '2026-01-10T11:01:00.000Z',
      src_ip: '198.51.100.7',
      dst_ip: '10.0.1.4',
      dst_port: 3389,
      direction: 'inbound',
      action: 'allow',
      rule: 'UserRule_AllowRdp',
      remote_is_public: true,
    });
  });

  it('refuses a forged cursor', async () => {
    const bad = Buffer.from(JSON.stringify(["x' OR 1=1", 'a', 1, 1])).toString('base64url');
    const r = await json<{ error: { code: string } }>(api.get(`/api/flows?${W}&cursor=${bad}`), 400);
    expect(r.error.code).toBe('invalid_request');
  });

  it('exports CSV and NDJSON', async () => {
    const f = encodeURIComponent('action = deny');
    const csv = await api.get(`/api/flows/export?${W}&format=csv&filter=${f}`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\n');
    expect(lines[0]).toContain('"time","src_ip"');
    expect(lines).toHaveLength(1 + 8);
    const nd = await api.get(`/api/flows/export?${W}&format=ndjson&limit=3&order=asc`);
    const rows = (await nd.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      time: '2026-01-10T11:01:00.000000Z',
      src_ip: '198.51.100.7',
      dst_port: 3389,
    });
  });
});

describe('findings', () => {
  it('lists with filters and counts', async () => {
    const all = await json<FindingList>(api.get('/api/findings'));
    expect(all.total).toBe(3);
    // Triage order by default: severity first, then the most recent.
    expect(all.items.map((f) => f.id)).toEqual([
      'exposure:10.0.1.4:3389',
      'exfil:10.0.2.10:93.184.216.34',
      'scan:203.0.113.9',
    ]);
    expect(all.nextCursor).toBeNull();
    const recent = await json<FindingList>(api.get('/api/findings?sort=lastSeen'));
    expect(recent.items.map((f) => f.id)).toEqual([
      'exfil:10.0.2.10:93.184.216.34',
      'scan:203.0.113.9',
      'exposure:10.0.1.4:3389',
    ]);
    const byCategory = await json<FindingList>(api.get('/api/findings?sort=category&order=asc'));
    expect(byCategory.items.map((f) => f.category)).toEqual(['exfiltration', 'exposure', 'scan']);
    const first = await json<FindingList>(api.get('/api/findings?limit=2'));
    const rest = await json<FindingList>(api.get(`/api/findings?limit=2&cursor=${first.nextCursor}`));
    expect([...first.items, ...rest.items].map((f) => f.id)).toEqual(all.items.map((f) => f.id));
    expect(rest.nextCursor).toBeNull();
    await json(api.get('/api/findings?sort=nope'), 400);
    await json(api.get('/api/findings?order=up'), 400);
    await json(api.get('/api/findings?cursor=bm90IGEgY3Vyc29y'), 400);
    await json(api.get(`/api/findings?cursor=${first.nextCursor}&offset=2`), 400);
    const high = await json<FindingList>(api.get('/api/findings?severity=high,critical'));
    expect(high.items.map((f) => f.id)).toEqual(['exposure:10.0.1.4:3389']);
    const text = await json<FindingList>(api.get('/api/findings?q=93.184'));
    expect(text.total).toBe(1);
    await json(api.get('/api/findings?status=bogus'), 400);
  });

  it('shows a finding with its evidence flows', async () => {
    const d = await json<FindingDetail>(
      api.get(`/api/findings/${encodeURIComponent('exposure:10.0.1.4:3389')}`),
    );
    expect(d.evidence.filter).toBe(
      '(src_ip = 10.0.1.4 OR dst_ip = 10.0.1.4) AND dst_port = 3389 AND protocol = 6 AND nsg = "nsg-web" AND (rule = "AllowRdp" OR rule_name = "AllowRdp")',
    );
    expect(d.evidence.flows).toHaveLength(4);
    expect(d.history.map((h) => h.kind)).toEqual(['detected']);
    await json(api.get('/api/findings/nope'), 404);
  });

  it('acknowledges, suppresses with a comment, and records who and when', async () => {
    const id = encodeURIComponent('scan:203.0.113.9');
    const ack = await json<FindingDetail>(
      api.send('POST', `/api/findings/${id}/status`, { status: 'acknowledged' }),
    );
    expect(ack.finding).toMatchObject({
      status: 'acknowledged',
      statusBy: 'local (no credentials configured)',
    });
    const noComment = await json<{ error: { code: string } }>(
      api.send('POST', `/api/findings/${id}/status`, { status: 'suppressed' }),
      400,
    );
    expect(noComment.error.code).toBe('invalid_request');
    const sup = await json<FindingDetail>(
      api.send('POST', `/api/findings/${id}/status`, { status: 'suppressed', comment: 'known scanner' }),
    );
    expect(sup.finding.status).toBe('suppressed');
    expect(sup.finding).toMatchObject({
      statusReason: 'known scanner',
      statusAt: '2026-01-10T13:00:00.001Z',
    });
    const local = 'local (no credentials configured)';
    expect(sup.history.map((h) => [h.kind, h.status, h.reason, h.actor, h.at])).toEqual([
      ['detected', 'open', 'Denied inbound attempts.', 'flowlens', '2026-01-10T12:00:00.000Z'],
      ['status', 'acknowledged', '', local, '2026-01-10T13:00:00.000Z'],
      ['status', 'suppressed', 'known scanner', local, '2026-01-10T13:00:00.001Z'],
    ]);
    const open = await json<FindingList>(api.get('/api/findings?status=open'));
    expect(open.total).toBe(2);
    await json(api.send('POST', `/api/findings/${id}/status`, { status: 'gone' }), 400);
    await json(api.send('POST', '/api/findings/nope/status', { status: 'resolved' }), 404);
    await json(api.send('POST', `/api/findings/${id}/status`, '{not json'), 400);
  });
});
