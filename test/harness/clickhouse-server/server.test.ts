import { type IncomingHttpHeaders, request } from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ClickHouseError, createClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb, SESSION_SETTINGS } from '../../../core/clickhouse/client.js';
import { migrate } from '../../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../../core/clickhouse/migrations/types.js';
import { serverInputWriter } from '../../../ingest/sinks/clickhouse/block-writer.js';
import { classifyInsertError } from '../../../ingest/sinks/clickhouse/classify.js';
import { flowBlock } from '../../../ingest/sinks/clickhouse/flow-block.js';
import { insertRejects } from '../../../ingest/sinks/clickhouse/rejects.js';
import { count, rows } from '../chdb.js';
import { sampleColumns } from '../flow-columns.js';
import { type ClickHouseDouble, spawnClickHouseDouble } from './process.js';

/** The ClickHouse HTTP test double, driven by the real @clickhouse/client as the product uses it. */
let double: ClickHouseDouble;
let db: Db;

beforeAll(async () => {
  double = await spawnClickHouseDouble({ users: { default: '', flowlens: 's3cret' } });
  db = openDb({ kind: 'server', url: double.url, username: 'flowlens', password: 's3cret' });
  await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
});
afterAll(async () => {
  await db?.close();
  await double?.stop();
});

const block = (n: number, nsg: string, seed = 0) =>
  flowBlock(sampleColumns(n, { nsgs: [nsg], seed }), 0, n, `file:${nsg}.json`);

describe('ClickHouse HTTP test double', () => {
  it('runs the server insert path (input() + Native body) once per deduplication token', async () => {
    const writer = serverInputWriter(db.client);
    await writer.insert(block(300, 'NSG-D'), 'file:d:0-1|0-300');
    await writer.insert(block(300, 'NSG-D'), 'file:d:0-1|0-300');
    await writer.insert(block(300, 'NSG-D', 1), 'file:d:1-2|0-300');
    expect(await count(db, 'flows', `nsg = 'NSG-D'`)).toBe(600);
    // The rollups follow through the materialized views, deduplicated alike.
    const [m] = await rows<{ n: number }>(db, `SELECT sum(flows) AS n FROM flows_1m WHERE nsg = 'NSG-D'`);
    expect(Number(m?.n)).toBe(600);
  });

  it('takes JSONEachRow inserts with a token, query parameters in escaped form, and each result format', async () => {
    const reject = {
      source_kind: 'file',
      source: 'tab\there',
      offset: 1,
      record_index: 0,
      tuple_index: 0,
      reason: 'bad-json',
      detail: "it's \\ odd",
      excerpt: 'x',
    };
    await insertRejects(db.client, [reject], 't1');
    await insertRejects(db.client, [reject], 't1');
    const got = await rows<{ detail: string; n: number }>(
      db,
      'SELECT any(detail) AS detail, count() AS n FROM rejects WHERE source = {s:String} AND reason IN {r:Array(String)}',
      { s: 'tab\there', r: ['bad-json', "o'ther"] },
    );
    expect(got).toEqual([{ detail: "it's \\ odd", n: 1 }]);
    for (const format of ['JSON', 'JSONEachRow', 'JSONCompactEachRow', 'CSV', 'TabSeparated'] as const) {
      const rs = await db.client.query({ query: 'SELECT 1 AS one', format });
      expect((await rs.text()).length).toBeGreaterThan(0);
    }
    const json = await (await db.client.query({ query: 'SELECT 2 AS two', format: 'JSON' })).json<{
      data: unknown[];
    }>();
    expect(json.data).toEqual([{ two: 2 }]);
  });

  it('checks credentials: Basic auth, X-ClickHouse-User/Key, and 516 for a wrong password', async () => {
    const viaHeaders = createClient({
      url: double.url,
      set_basic_auth_header: false,
      http_headers: { 'X-ClickHouse-User': 'flowlens', 'X-ClickHouse-Key': 's3cret' },
    });
    expect(await (await viaHeaders.query({ query: 'SELECT 1 AS x', format: 'JSONEachRow' })).json()).toEqual([
      { x: 1 },
    ]);
    await viaHeaders.close();
    const wrong = createClient({ url: double.url, username: 'flowlens', password: 'nope' });
    const err = await wrong.query({ query: 'SELECT 1' }).catch((e: unknown) => e);
    await wrong.close();
    expect(err).toBeInstanceOf(ClickHouseError);
    expect((err as ClickHouseError).code).toBe('516');
    expect((err as ClickHouseError).type).toBe('AUTHENTICATION_FAILED');
  });

  it('answers errors in ClickHouse text with X-ClickHouse-Exception-Code, and GET is read-only', async () => {
    const res = await fetch(`${double.url}/?query=${encodeURIComponent('SELECT * FROM nope')}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-clickhouse-exception-code')).toBe('60');
    expect(await res.text()).toMatch(/^Code: 60\. DB::Exception: .*\(UNKNOWN_TABLE\) \(version [\d.]+\)\n$/s);
    const get = await fetch(`${double.url}/?query=${encodeURIComponent('DROP TABLE flows')}`);
    expect(get.headers.get('x-clickhouse-exception-code')).toBe('164');
    expect(await count(db, 'flows')).toBeGreaterThan(0);
    expect(await (await fetch(`${double.url}/ping`)).text()).toBe('Ok.\n');
  });

  it('reads gzip request bodies and gzips responses when asked', async () => {
    const client = createClient({
      url: double.url,
      username: 'flowlens',
      password: 's3cret',
      compression: { request: true, response: true },
      clickhouse_settings: SESSION_SETTINGS,
    });
    await serverInputWriter(client).insert(block(50, 'NSG-GZ'), 'gz:1');
    const rs = await client.query({
      query: `SELECT count() AS n FROM flows WHERE nsg = 'NSG-GZ'`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: 50 }]);
    await client.close();
    const raw = await rawPost(
      `${double.url}/?enable_http_compression=1`,
      gzipSync('SELECT 7 FORMAT TabSeparated'),
      {
        'Content-Encoding': 'gzip',
        'Accept-Encoding': 'gzip',
        Authorization: basic('flowlens', 's3cret'),
      },
    );
    expect(raw.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(String(raw.headers['x-clickhouse-summary']))).toHaveProperty('read_rows');
    expect(gunzipSync(raw.body).toString()).toBe('7\n');
  });
});

describe('fault switches', () => {
  const writer = () => serverInputWriter(db.client);

  it('injects chosen error codes for the next N inserts, classified as retryable', async () => {
    await double.fault({ error: { code: 252, count: 2 } });
    for (const _ of [1, 2]) {
      const err = await writer()
        .insert(block(10, 'NSG-F'), 'f:1')
        .catch((e: unknown) => e);
      expect((err as ClickHouseError).code).toBe('252');
      expect(classifyInsertError(err).name).toBe('TransientError');
    }
    // Reads are untouched by an insert-scoped fault, and the third insert goes through.
    expect(await count(db, 'flows', `nsg = 'NSG-F'`)).toBe(0);
    await writer().insert(block(10, 'NSG-F'), 'f:1');
    expect(await count(db, 'flows', `nsg = 'NSG-F'`)).toBe(10);
    await double.fault({ error: { code: 241, count: 1, scope: 'all' } });
    const err = await db.client.query({ query: 'SELECT 1' }).catch((e: unknown) => e);
    expect((err as ClickHouseError).type).toBe('MEMORY_LIMIT_EXCEEDED');
  });

  it('serves a 503, resets a connection mid-insert, and refuses connections while down', async () => {
    await double.fault({ unavailable: 1 });
    await expect(writer().insert(block(5, 'NSG-U'), 'u:1')).rejects.toThrow();
    await double.fault({ resetInserts: 1 });
    await expect(writer().insert(block(5000, 'NSG-U'), 'u:2')).rejects.toThrow();
    await double.fault({ down: true });
    const downErr = await db.client.query({ query: 'SELECT 1' }).catch((e: unknown) => e);
    expect(String((downErr as Error).message)).toMatch(/ECONNREFUSED|socket hang up|ECONNRESET/);
    const { stats } = await double.fault({ down: false });
    expect(stats).toMatchObject({ served503: 1, resets: 1 });
    expect(await count(db, 'flows', `nsg = 'NSG-U'`)).toBe(0);
    await writer().insert(block(5000, 'NSG-U'), 'u:2');
    expect(await count(db, 'flows', `nsg = 'NSG-U'`)).toBe(5000);
  });

  it('slows every insert by the chosen delay', async () => {
    await double.fault({ slowInsertMs: 300 });
    await writer().insert(block(5, 'NSG-S'), 's:1');
    await db.client.query({ query: 'SELECT 1' });
    const { stats } = await double.fault({ clear: true });
    // Counted by the double (no timing assertion): the insert waited, the read did not.
    expect(stats.slowedInserts).toBe(1);
    expect(await count(db, 'flows', `nsg = 'NSG-S'`)).toBe(5);
  });
});

/** A POST whose response body stays as sent (fetch would undo the gzip itself). */
function rawPost(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
