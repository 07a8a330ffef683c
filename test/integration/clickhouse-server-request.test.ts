import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../core/clickhouse/client.js';
import { serverInputWriter, serverInsertQuery } from '../../ingest/sinks/clickhouse/block-writer.js';
import { flowBlock } from '../../ingest/sinks/clickhouse/flow-block.js';
import { count, openTestDb } from '../harness/chdb.js';
import { sampleColumns } from '../harness/flow-columns.js';

/**
 * The exact request the server path sends (statement, token, parameters, Native body), recorded by
 * a loopback endpoint, then the body and SQL run on real chDB (`input()` swapped for `file()`).
 * The path end to end runs against the ClickHouse HTTP test double (test/harness/clickhouse-server/,
 * and every database suite in server mode); neither proves that a real ClickHouse server accepts
 * `input()` with these parameters (docs/operations.md "Production checklist").
 */
interface Captured {
  url: URL;
  body: Buffer;
}

let server: Server;
let captured: Captured[] = [];
let db: Awaited<ReturnType<typeof openTestDb>>;

beforeAll(async () => {
  db = await openTestDb();
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured.push({ url: new URL(req.url ?? '/', 'http://x'), body: Buffer.concat(chunks) });
      res.writeHead(200, { 'X-ClickHouse-Summary': '{}' }).end('');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await db?.close();
});

describe('server insert path (request only; no server here)', () => {
  it('sends INSERT … FROM input() FORMAT Native with the token, parameters and a Native body', async () => {
    captured = [];
    const port = (server.address() as AddressInfo).port;
    const serverDb = openDb({ kind: 'server', url: `http://127.0.0.1:${port}` });
    const block = flowBlock(sampleColumns(300, { nsgs: ['NSG-SRV'] }), 0, 300, 'file:srv.json');
    await serverInputWriter(serverDb.client).insert(block, 'file:srv.json:0-99|0-300');
    await serverDb.close();

    expect(captured).toHaveLength(1);
    const { url, body } = captured[0]!;
    expect(url.searchParams.get('query')).toBe(serverInsertQuery(block));
    expect(url.searchParams.get('insert_deduplication_token')).toBe('file:srv.json:0-99|0-300');
    expect(url.searchParams.get('async_insert')).toBe('0');
    // Progress headers keep a long query's connection busy behind a load balancer (SERVER_SETTINGS).
    expect(url.searchParams.get('send_progress_in_http_headers')).toBe('1');
    expect(url.searchParams.get('http_headers_progress_interval_ms')).toBe('50000');
    expect(url.searchParams.get('param_source')).toBe('file:srv.json');
    // Context strings travel in the body (LowCardinality dictionaries), not as URL parameters.
    expect([...url.searchParams.keys()].filter((k) => k.startsWith('param_'))).toEqual(['param_source']);

    // The same statement, reading the captured body from a file instead of the request, on chDB.
    const path = join(db.dir, 'body.native');
    writeFileSync(path, body);
    const sql = serverInsertQuery(block).replace(
      /FROM input\('(.*)'\) FORMAT Native$/,
      "FROM file({p:String}, 'Native', '$1')",
    );
    await db.client.command({ query: sql, query_params: { ...block.params, p: path } });
    expect(await count(db, 'flows', `nsg = 'NSG-SRV'`)).toBe(300);
  });
});
