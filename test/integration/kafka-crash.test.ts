import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../core/clickhouse/client.js';
import { count } from '../harness/chdb.js';
import { coalesceInTests, rollupMismatches, rollupTotals } from '../harness/crash-checks.js';
import { client, type KafkaBroker, startKafka } from '../harness/kafka.js';
import { fixtureMessages, groupCaughtUp, produceRounds, spawnConsumer, waitFor } from './kafka-helpers.js';

// Exactly-once rows from an at-least-once consumer: a real broker, a real consumer process
// (Kafka source → normalizer → ClickHouse sink into chDB) killed with SIGKILL at random moments
// while messages flow, restarted each time on the same database. The flows table must end with
// exactly as many rows as the published messages hold tuples, and the rollups must count each once.
// Coalesced inserts are on unless FLOWLENS_TEST_COALESCE=0 (test/harness/crash-checks.ts).
describe(`Kafka source survives SIGKILL (real broker, real chDB, coalescing ${coalesceInTests() ? 'on' : 'off'})`, () => {
  let broker: KafkaBroker;
  let dir: string;
  beforeAll(async () => {
    broker = await startKafka();
    dir = mkdtempSync(join(tmpdir(), 'flowlens-kafka-crash-'));
  });
  afterAll(async () => {
    await broker?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends with rows == tuples published after 5 SIGKILLs', async () => {
    const topic = 'crash';
    const group = 'crash-group';
    await broker.createTopic(topic, 3);
    const kafka = client(broker.brokers);
    const { messages, rows } = fixtureMessages();
    // Messages keep flowing until the last kill, so every consumer has work to be killed in
    // (a fixed amount could be used up before the fifth consumer starts, and it would wait forever).
    let killing = true;
    const producing = produceRounds(kafka, topic, messages, {
      perSend: 5,
      pauseMs: 120,
      stop: () => !killing,
    });
    const args = [dir, broker.brokers.join(','), topic, group];
    const kills: Record<string, number>[] = [];
    try {
      for (let i = 0; i < 5; i++) {
        const c = spawnConsumer(args);
        try {
          await withTimeout(c.firstBatch, 90_000, `consumer ${i + 1} to write its first batch`);
          await new Promise((r) => setTimeout(r, Math.random() * 1500));
        } finally {
          c.child.kill('SIGKILL');
          await c.exited;
        }
        kills.push(c.last() ?? {});
      }
    } finally {
      killing = false;
    }
    const expected = rows * (await producing);
    const last = spawnConsumer(args);
    await last.ready;
    await waitFor('the group to commit everything', () => groupCaughtUp(kafka, group, topic), 120_000);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);
    const db = openDb({ kind: 'embedded', path: dir });
    try {
      expect(await count(db, 'flows')).toBe(expected);
      expect(await count(db, 'rejects')).toBe(0);
      expect(await rollupTotals(db)).toEqual({ flows: expected, minute: expected, hour: expected });
      expect(await rollupMismatches(db)).toEqual([]);
    } finally {
      await db.close();
    }
    expect(kills).toHaveLength(5);
    // A consumer started after a kill found ranges recorded as pending and re-formed them: the
    // replay path, not just "resume at the committed offset", was exercised.
    expect(kills.slice(1).some((k) => (k.replays ?? 0) > 0)).toBe(true);
    console.log('per-kill stats', JSON.stringify(kills), 'final', JSON.stringify(last.last()));
  }, 300_000);
});

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
