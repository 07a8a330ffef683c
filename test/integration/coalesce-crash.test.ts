import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNsgV2Blob } from '../../bench/gen-blob.js';
import { openDb } from '../../core/clickhouse/client.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { REPO_ROOT } from '../harness/cli.js';
import { rollupMismatches, rollupTotals } from '../harness/crash-checks.js';

/**
 * SIGKILL in the middle of a coalesced batch (docs/ingest.md "Batching"): a child ingesting many
 * small blobs kills itself right after its membership is recorded (before the insert) or right
 * after the insert (before any ack). The restart re-forms the recorded batch from the ledger —
 * with other limits, so fresh batching would group the files differently — and the counts in
 * `flows` and `rejects` are exact.
 */
const FILES = 40;
let dir: string;
let expected = { rows: 0, rejects: 0 };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowlens-coalesce-crash-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  for (let i = 0; i < FILES; i++) {
    const body =
      i % 13 === 5
        ? Buffer.from(
            '{"records":[{"time":"2026-01-01T00:00:00Z","properties":{"Version":2,"flows":[{"rule":"r","flows":[{"mac":"00","flowTuples":["bad"]}]}]}}]}',
          )
        : generateNsgV2Blob({ targetBytes: 40_000, seed: 7 + i });
    const path = join(data, `nic-${String(i).padStart(3, '0')}-PT1H.json`);
    writeFileSync(path, body);
    const r = normalize(body, { source: `file:${path}` });
    expected = { rows: expected.rows + r.columns.length, rejects: expected.rejects + r.rejects.length };
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function child(mode: 'none' | 'before' | 'after', nth: number, maxRows: number) {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(REPO_ROOT, 'test', 'integration', 'coalesce-crash.child.ts'),
      join(dir, 'db'),
      join(dir, 'data'),
      mode,
      String(nth),
      String(maxRows),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise<{ signal: NodeJS.Signals | null; code: number | null; out: string }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal, out })),
  );
}

describe('kill -9 in the middle of a coalesced batch', () => {
  it('gives exact counts after restarts', async () => {
    expect(expected.rows).toBeGreaterThan(10_000);
    expect(expected.rejects).toBeGreaterThan(0);
    // Killed after the second batch's insert was durable, none of its ranges acked.
    expect((await child('after', 2, 4000)).signal).toBe('SIGKILL');
    // Killed with the next batch's membership recorded and its insert not yet run.
    expect((await child('before', 1, 3000)).signal).toBe('SIGKILL');
    const last = await child('none', 0, 5000);
    expect(last.code).toBe(0);
    const summary = JSON.parse(last.out.trim().split('\n').at(-1)!) as { rows: number; duplicates: number };
    expect(summary.duplicates).toBeGreaterThan(0);
    const db = openDb({ kind: 'embedded', path: join(dir, 'db') });
    try {
      const q = async (query: string) => {
        const rs = await db.client.query({ query, format: 'JSONEachRow' });
        return Number(((await rs.json<{ n: string }>())[0] ?? { n: 0 }).n);
      };
      expect(await q('SELECT count() AS n FROM flows')).toBe(expected.rows);
      expect(
        await q('SELECT count() AS n FROM (SELECT DISTINCT source, record_offset, tuple_index FROM flows)'),
      ).toBe(expected.rows);
      // The replays deduplicated in `flows` are not counted again in the rollups.
      expect(await rollupTotals(db)).toEqual({
        flows: expected.rows,
        minute: expected.rows,
        hour: expected.rows,
      });
      expect(await rollupMismatches(db)).toEqual([]);
      expect(await q('SELECT count() AS n FROM rejects')).toBe(expected.rejects);
      expect(await q('SELECT uniqExact(batch_id) AS n FROM ingest_batches')).toBeGreaterThan(1);
    } finally {
      await db.close();
    }
  }, 240_000);
});
