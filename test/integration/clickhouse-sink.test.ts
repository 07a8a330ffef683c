import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../../core/errors.js';
import { toRows } from '../../core/flow/batch.js';
import type { Reject } from '../../core/flow/reject.js';
import { createMetrics } from '../../core/metrics.js';
import type { SourcePosition } from '../../ingest/contracts.js';
import { type BlockWriter, chdbFileWriter } from '../../ingest/sinks/clickhouse/block-writer.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { StagingArea } from '../../ingest/sinks/clickhouse/staging.js';
import { count, openTestDb, rows } from '../harness/chdb.js';
import { sampleColumns } from '../harness/flow-columns.js';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db?.close();
});

const pos = (key: string, start = 0, end = 1000): SourcePosition => ({ kind: 'file', key, start, end });
const rollupFlows = async (table: string, key: string) =>
  Number(
    (
      await rows<{ n: number }>(db, `SELECT sum(flows) AS n FROM ${table} WHERE nsg = {k:String}`, { k: key })
    )[0]?.n ?? 0,
  );

async function totals(nsg: string) {
  return {
    flows: await count(db, 'flows', `nsg = '${nsg}'`),
    m1: await rollupFlows('flows_1m', nsg),
    h1: await rollupFlows('flows_1h', nsg),
    m1Rows: await count(db, 'flows_1m', `nsg = '${nsg}'`),
  };
}

describe('ClickHouse sink on real chDB', () => {
  it('stores every column as the batch holds it', async () => {
    const sink = createClickHouseSink({ db });
    const cols = sampleColumns(50, { nsgs: ['NSG-RT'] });
    const result = await sink.write(cols, [], pos('roundtrip.json'));
    expect(result).toEqual({ rows: 50, rejects: 0, duplicates: 0, duplicateRejects: 0 });
    const stored = await rows<Record<string, unknown>>(
      db,
      `SELECT time, record_time, nsg, rule, rule_name, rule_kind, mac, subscription_id, src_ip, dst_ip, src_port,
              dst_port, protocol, direction, action, state, bytes_sent, packets_received, has_counters,
              remote_is_public, source, record_offset, tuple_index, local_ip, remote_ip
       FROM flows WHERE nsg = 'NSG-RT' ORDER BY time`,
    );
    const expected = toRows(cols);
    expect(stored).toHaveLength(50);
    stored.forEach((r, i) => {
      const e = expected[i]!;
      expect(r.time).toBe(e.time.replace('T', ' ').replace('Z', ''));
      expect(r.record_time).toBe(e.recordTime.replace('T', ' ').replace('Z', ''));
      expect([r.nsg, r.rule, r.rule_name, r.rule_kind, r.mac, r.subscription_id]).toEqual([
        e.nsg,
        e.rule,
        e.ruleName,
        e.ruleKind,
        e.mac,
        e.subscriptionId,
      ]);
      expect(String(r.src_ip).replace('::ffff:', '')).toBe(e.srcIp);
      expect(String(r.dst_ip).replace('::ffff:', '')).toBe(e.dstIp);
      expect([r.src_port, r.dst_port, r.protocol, r.direction, r.action, r.state]).toEqual([
        e.srcPort,
        e.dstPort,
        e.protocol,
        e.direction,
        e.action,
        e.state,
      ]);
      expect([r.bytes_sent, r.packets_received, r.has_counters, r.remote_is_public]).toEqual([
        e.bytesSent,
        e.packetsReceived,
        e.hasCounters,
        e.remoteIsPublic,
      ]);
      expect([r.source, r.record_offset, r.tuple_index]).toEqual([
        'file:roundtrip.json',
        e.recordOffset,
        e.tupleIndex,
      ]);
      expect(r.local_ip).toBe(e.direction === 'inbound' ? r.dst_ip : r.src_ip);
    });
    await sink.close();
  });

  it('keeps values right across split inserts and dictionaries wider than one byte', async () => {
    const nsgs = Array.from({ length: 300 }, (_, i) => `NSG-WIDE-${i}`);
    const cols = sampleColumns(2500, { nsgs, rules: ['UserRule_X'] });
    const sink = createClickHouseSink({ db, batchRows: 1000 });
    expect(await sink.write(cols, [], pos('wide.json'))).toEqual({
      rows: 2500,
      rejects: 0,
      duplicates: 0,
      duplicateRejects: 0,
    });
    const stored = await rows<{ nsg: string; tuple_index: number; bytes_sent: number; src_ip: string }>(
      db,
      `SELECT nsg, tuple_index, bytes_sent, src_ip FROM flows WHERE source = 'file:wide.json' ORDER BY time`,
    );
    const expected = toRows(cols);
    expect(stored).toHaveLength(2500);
    for (const i of [0, 999, 1000, 1777, 2499]) {
      const e = expected[i]!;
      expect(stored[i]).toEqual({
        nsg: e.nsg,
        tuple_index: e.tupleIndex,
        bytes_sent: e.bytesSent,
        src_ip: `::ffff:${e.srcIp}`,
      });
    }
    expect(new Set(stored.map((r) => r.nsg)).size).toBe(300);
    await sink.close();
  });

  it('adds no rows to flows, flows_1m or flows_1h when the same position is written again, and says so', async () => {
    const metrics = createMetrics();
    const sink = createClickHouseSink({ db, batchRows: 1000, metrics });
    const cols = sampleColumns(2500, { nsgs: ['NSG-DEDUP'] });
    expect(await sink.write(cols, [], pos('dedup.json', 0, 5000))).toEqual({
      rows: 2500,
      rejects: 0,
      duplicates: 0,
      duplicateRejects: 0,
    });
    const first = await totals('NSG-DEDUP');
    expect(first.flows).toBe(2500);
    expect(first.m1).toBe(2500);
    expect(first.h1).toBe(2500);
    // The replay reports what it did: nothing stored, every row named as already stored.
    expect(await sink.write(cols, [], pos('dedup.json', 0, 5000))).toEqual({
      rows: 0,
      rejects: 0,
      duplicates: 2500,
      duplicateRejects: 0,
    });
    await sink.write(cols, [], pos('dedup.json', 0, 5000));
    expect(await totals('NSG-DEDUP')).toEqual(first);
    const metric = async (name: string) =>
      (await metrics.registry.getSingleMetric(name)!.get()).values.reduce((s, v) => s + v.value, 0);
    expect(await metric('flowlens_rows_total')).toBe(2500);
    expect(await metric('flowlens_duplicate_rows_total')).toBe(5000);
    // A different range of the same stream is new data.
    await sink.write(sampleColumns(10, { nsgs: ['NSG-DEDUP'], seed: 3 }), [], pos('dedup.json', 5000, 6000));
    expect((await totals('NSG-DEDUP')).flows).toBe(2510);
    await sink.close();
  });

  it('stores the same range once more under a new token namespace (ingest --force), rollups included', async () => {
    const cols = sampleColumns(40, { nsgs: ['NSG-FORCE'] });
    const plain = createClickHouseSink({ db });
    expect((await plain.write(cols, [], pos('force.json'))).rows).toBe(40);
    const forced = createClickHouseSink({ db, tokenNamespace: 'force-1' });
    expect(await forced.write(cols, [], pos('force.json'))).toEqual({
      rows: 40,
      rejects: 0,
      duplicates: 0,
      duplicateRejects: 0,
    });
    // A replay inside the forced run deduplicates like any other.
    expect(await forced.write(cols, [], pos('force.json'))).toEqual({
      rows: 0,
      rejects: 0,
      duplicates: 40,
      duplicateRejects: 0,
    });
    expect(await totals('NSG-FORCE')).toMatchObject({ flows: 80, m1: 80, h1: 80 });
    await plain.close();
    await forced.close();
  });

  it('writes rejects once, with their position, also on replay', async () => {
    const metrics = createMetrics();
    const sink = createClickHouseSink({ db, metrics });
    const rejects: Reject[] = [
      {
        reason: 'invalid-json',
        detail: 'unexpected token',
        offset: 77,
        recordIndex: 2,
        tupleIndex: -1,
        excerpt: '{"x":',
      },
      {
        reason: 'tuple-ip',
        detail: 'bad address',
        offset: 90,
        recordIndex: 2,
        tupleIndex: 4,
        excerpt: '1,a,b',
      },
    ];
    const p = pos('rejects.json', 10, 200);
    expect(await sink.write(sampleColumns(3, { nsgs: ['NSG-REJ'] }), rejects, p)).toEqual({
      rows: 3,
      rejects: 2,
      duplicates: 0,
      duplicateRejects: 0,
    });
    // The replay stores nothing and says so, rejects included.
    expect(await sink.write(sampleColumns(3, { nsgs: ['NSG-REJ'] }), rejects, p)).toEqual({
      rows: 0,
      rejects: 0,
      duplicates: 3,
      duplicateRejects: 2,
    });
    const stored = await rows(
      db,
      `SELECT source_kind, source, offset, record_index, tuple_index, reason, detail, excerpt
       FROM rejects WHERE source = 'rejects.json' ORDER BY offset`,
    );
    expect(stored).toEqual([
      {
        source_kind: 'file',
        source: 'rejects.json',
        offset: 77,
        record_index: 2,
        tuple_index: -1,
        reason: 'invalid-json',
        detail: 'unexpected token',
        excerpt: '{"x":',
      },
      {
        source_kind: 'file',
        source: 'rejects.json',
        offset: 90,
        record_index: 2,
        tuple_index: 4,
        reason: 'tuple-ip',
        detail: 'bad address',
        excerpt: '1,a,b',
      },
    ]);
    expect(await count(db, 'flows', `nsg = 'NSG-REJ'`)).toBe(3);
    const counted = await metrics.registry.getSingleMetricAsString('flowlens_rejects_total');
    // Counted once: the replay stored nothing, so the counter does not claim it did.
    expect(counted).toContain('reason="tuple-ip"} 1');
    await sink.close();
  });

  it('dead-letters the rows of a block the database refuses, and carries on', async () => {
    // A real chDB refusal of the data: a value that cannot be parsed as the column's type.
    const refusing: BlockWriter = {
      insert: () =>
        db.client
          .command({ query: `INSERT INTO flows (src_port) SELECT toUInt16('not a port')` })
          .then(() => undefined),
    };
    const sink = createClickHouseSink({ db, writer: refusing, retry: { attempts: 3, baseDelayMs: 1 } });
    const cols = sampleColumns(20, { nsgs: ['NSG-PERM'] });
    const result = await sink.write(cols, [], pos('refused.json'));
    expect(result).toEqual({ rows: 0, rejects: 1, duplicates: 0, duplicateRejects: 0 });
    const [dead] = await rows<{ reason: string; detail: string; excerpt: string; offset: number }>(
      db,
      `SELECT reason, detail, excerpt, offset FROM rejects WHERE source = 'refused.json'`,
    );
    expect(dead?.reason).toBe('sink-permanent');
    expect(dead?.detail).toMatch(/^20 rows refused: ClickHouse error (6|72):/);
    expect(dead?.excerpt).toContain('NSG-PERM');
    expect(await count(db, 'flows', `nsg = 'NSG-PERM'`)).toBe(0);
    // Replaying the refused range does not duplicate its dead letter.
    await sink.write(cols, [], pos('refused.json'));
    expect(await count(db, 'rejects', `source = 'refused.json'`)).toBe(1);
    await sink.close();
  });

  it('does not dead-letter rows when the deployment is wrong (unknown column): the write fails', async () => {
    const misdeployed: BlockWriter = {
      insert: () =>
        db.client.command({ query: 'INSERT INTO flows (no_such_column) VALUES (1)' }).then(() => undefined),
    };
    const sink = createClickHouseSink({ db, writer: misdeployed, retry: { attempts: 2, baseDelayMs: 1 } });
    await expect(sink.write(sampleColumns(5), [], pos('misdeployed.json'))).rejects.toThrow(
      /ClickHouse error 16/,
    );
    expect(await count(db, 'rejects', `source = 'misdeployed.json'`)).toBe(0);
    await sink.close();
  });

  it('retries transient failures and then stores the rows', async () => {
    const staging = new StagingArea('/tmp');
    const real = chdbFileWriter(db.client, staging);
    let calls = 0;
    const flaky: BlockWriter = {
      insert: async (block, token) => {
        calls++;
        if (calls < 3) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        await real.insert(block, token);
      },
    };
    const sink = createClickHouseSink({ db, writer: flaky, retry: { attempts: 5, baseDelayMs: 1 } });
    expect(await sink.write(sampleColumns(7, { nsgs: ['NSG-FLAKY'] }), [], pos('flaky.json'))).toEqual({
      rows: 7,
      rejects: 0,
      duplicates: 0,
      duplicateRejects: 0,
    });
    expect(calls).toBe(3);
    expect(await count(db, 'flows', `nsg = 'NSG-FLAKY'`)).toBe(7);
    await staging.close();
  });

  it('gives up on a transient failure after the retry budget and rejects the write', async () => {
    const failing: BlockWriter = { insert: () => Promise.reject(new Error('ECONNREFUSED')) };
    const sink = createClickHouseSink({ db, writer: failing, retry: { attempts: 2, baseDelayMs: 1 } });
    await expect(sink.write(sampleColumns(2), [], pos('down.json'))).rejects.toThrow('ECONNREFUSED');
    await expect(sink.write(sampleColumns(2), [], pos('down.json'))).rejects.not.toBeInstanceOf(
      PermanentError,
    );
  });
});
