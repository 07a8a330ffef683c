import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../core/clickhouse/client.js';
import { migrate } from '../../core/clickhouse/migrate.js';
import { DEFAULT_SCHEMA_OPTIONS } from '../../core/clickhouse/migrations/types.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import type { IngestStats } from '../../ingest/stats.js';
import { runCli } from '../harness/cli.js';
import { sampleColumns } from '../harness/flow-columns.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('flowlens stats', { timeout: 300_000 }, () => {
  it('counts stored flows by format, NSG, rule, direction and action', async () => {
    // Fill the database in this process, then close it: chDB allows one process per directory.
    const db = openDb({ kind: 'embedded', path: dir });
    await migrate(db.client, { ...DEFAULT_SCHEMA_OPTIONS, rawTtlDays: 0, minuteTtlDays: 0, hourTtlDays: 0 });
    const sink = createClickHouseSink({ db });
    await sink.write(
      sampleColumns(100, { nsgs: ['NSG-ONE', 'NSG-TWO'], startMs: Date.now() - 3_600_000 }),
      [{ reason: 'tuple-ip', detail: 'x', offset: 1, recordIndex: 0, tupleIndex: 0, excerpt: '' }],
      { kind: 'file', key: 'stats.json', start: 0, end: 10 },
    );
    await sink.close();
    await db.close();

    const r = await runCli(['--db', dir, 'stats', '--json']);
    expect(r.code).toBe(0);
    const stats = JSON.parse(r.stdout) as IngestStats;
    expect(stats.rows).toBe(100);
    expect(stats.rolledUp).toBe(100);
    expect(stats.rejects).toBe(1);
    expect(stats.byFormat).toEqual([{ key: 'nsg-v2', flows: 100 }]);
    expect(stats.byNsg).toEqual([
      { key: 'NSG-ONE', flows: 50 },
      { key: 'NSG-TWO', flows: 50 },
    ]);
    expect(stats.byRule).toEqual([
      { key: 'AllowHttps', flows: 50 },
      { key: 'DenyAllInBound', flows: 50 },
    ]);
    expect(stats.byDirection).toEqual([
      { key: 'inbound', flows: 50 },
      { key: 'outbound', flows: 50 },
    ]);
    expect(stats.byAction).toEqual([
      { key: 'allow', flows: 80 },
      { key: 'deny', flows: 20 },
    ]);
    expect(stats.rejectsByReason).toEqual([{ key: 'tuple-ip', flows: 1 }]);

    const text = await runCli(['--db', dir, 'stats']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('flows: 100 rows');
    expect(text.stdout).toMatch(/by NSG\n {2}NSG-ONE +50\n {2}NSG-TWO +50/);
    expect(stats.lateHistory).toEqual({ hours: 24, rows: 0, maxDelayDays: 0 });
  });

  it('shows how much is history that arrived late, kept under the default retention', async () => {
    // Flows from 2018 stored now: late by years whatever today is. The CLI opens with the default
    // retention (30 days raw), which counts from arrival, so the rows stay.
    const late = join(dir, 'late');
    const db = openDb({ kind: 'embedded', path: late });
    await migrate(db.client, DEFAULT_SCHEMA_OPTIONS);
    const sink = createClickHouseSink({ db });
    const pos = (key: string) => ({ kind: 'file' as const, key, start: 0, end: 10 });
    await sink.write(sampleColumns(30, { startMs: Date.UTC(2018, 5, 1) }), [], pos('old.json'));
    await sink.write(sampleColumns(10, { startMs: Date.now() - 600_000 }), [], pos('new.json'));
    await sink.close();
    await db.close();

    const r = await runCli(['--db', late, 'stats', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout) as IngestStats;
    expect(stats.rows).toBe(40);
    expect(stats.lateHistory.rows).toBe(30);
    expect(stats.lateHistory.maxDelayDays).toBeGreaterThan(365 * 2);
    const text = await runCli(['--db', late, 'stats', '--late-hours', '48']);
    expect(text.stdout).toMatch(
      /late history: 30 rows \(75\.0 %\) stored more than 48 h after their flow time, up to \d+ days late/,
    );
  });

  it('shows a rollup mismatch line when the hour rollup holds more than raw over the raw range', async () => {
    // Raw rows gone (as the old flow-time TTL dropped them) while the rollup kept their totals, then
    // the same file stored again under a new namespace (what --force does): the rollup counts it twice.
    const path = join(dir, 'mismatch');
    const db = openDb({ kind: 'embedded', path });
    await migrate(db.client, DEFAULT_SCHEMA_OPTIONS);
    const sink = createClickHouseSink({ db });
    const cols = () => sampleColumns(40, { startMs: Date.UTC(2024, 2, 1, 10) });
    await sink.write(cols(), [], { kind: 'file', key: 'a.json', start: 0, end: 10 });
    await db.client.command({ query: 'TRUNCATE TABLE flows' });
    await sink.write(cols(), [], { kind: 'file', key: 'force-x|a.json', start: 0, end: 10 });
    await sink.close();
    await db.close();

    const r = await runCli(['--db', path, 'stats', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout) as IngestStats;
    expect(stats).toMatchObject({ rows: 40, rolledUp: 80, rolledUpOverRaw: 80 });
    const text = await runCli(['--db', path, 'stats']);
    expect(text.stdout).toMatch(
      /rollup mismatch: hour rollup holds 80 flows over the raw range .* raw holds 40 \(40 more\)/,
    );
  });

  it('prints no mismatch line when raw and rollup agree', async () => {
    const text = await runCli(['--db', dir, 'stats']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('(hour rollup: 100)');
    expect(text.stdout).not.toContain('rollup mismatch');
  });
});
