import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config/load.js';
import { createMetrics } from '../../core/metrics.js';
import { startIngest } from '../../ingest/start.js';
import { count, openTestDb } from '../harness/chdb.js';
import { REPO_ROOT } from '../harness/cli.js';

/**
 * A source that keeps failing is parked with its error while the others go on (issue 11 part 8).
 * Real chDB and real file sources: one reads a directory that does not exist (every run fails in the
 * source), the other the SDN firewall audit fixture (3 tuples).
 */
type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
const work = mkdtempSync(join(tmpdir(), 'flowlens-parking-'));
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.close();
  rmSync(work, { recursive: true, force: true });
});

describe('source parking', { timeout: 120_000 }, () => {
  it('parks the failing source (log, gauge) and ingests the other', async () => {
    const config = parseConfig({
      sources: [
        { type: 'file', name: 'gone', paths: [join(work, 'no-such-dir')] },
        {
          type: 'file',
          name: 'sdn',
          paths: [join(REPO_ROOT, 'test', 'fixtures', 'flowlens_sdn-firewall-audit.json')],
        },
      ],
    });
    const lines: Record<string, unknown>[] = [];
    // The real pino logger, writing its JSON lines into an array.
    const logger = pino({ level: 'info', base: null }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const metrics = createMetrics();
    const controller = new AbortController();
    const deps = { db, metrics, logger, env: {} };
    const run = startIngest(config, deps, controller.signal, {
      parkAfter: 3,
      parkedRetryMs: 60_000,
      backoffBaseMs: 5,
      backoffMaxMs: 10,
    });
    const parked = async () =>
      (await metrics.registry.getSingleMetricAsString('flowlens_source_parked')).includes('source="gone"} 1');
    const done = async () => (await parked()) && (await count(db, 'flows')) === 3;
    for (let i = 0; i < 600 && !(await done()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await parked()).toBe(true);
    expect(await count(db, 'flows')).toBe(3);
    const text = await metrics.registry.getSingleMetricAsString('flowlens_source_parked');
    expect(text).toContain('source="sdn"} 0');
    const park = lines.find((l) => String(l.msg).startsWith('source parked'));
    expect(park).toMatchObject({ source: 'gone', failures: 3 });
    expect(String(park!.err)).toContain('no-such-dir');
    controller.abort();
    await run;
  });

  it('a database outage parks no source: writes fail, then rows arrive as soon as it is back', async () => {
    const config = parseConfig({
      sources: [
        {
          type: 'file',
          name: 'sdn-outage',
          paths: [join(REPO_ROOT, 'test', 'fixtures', 'flowlens_sdn-firewall-audit.json')],
        },
      ],
    });
    // The first test stored this file: forget its rows, its position and its batch (the ledger would
    // otherwise ack the file at once as already written, and nothing would try the detached table).
    for (const table of ['flows', 'ingest_positions', 'ingest_batches', 'ingest_batch_members'])
      await db.client.command({ query: `TRUNCATE TABLE ${table}` });
    // A real failure of every insert: the table the sink writes is gone until it is attached again.
    await db.client.command({ query: 'DETACH TABLE flows' });
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info', base: null }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const metrics = createMetrics();
    const controller = new AbortController();
    const run = startIngest(config, { db, metrics, logger, env: {} }, controller.signal, {
      parkAfter: 2,
      parkedRetryMs: 600_000,
      backoffBaseMs: 5,
      backoffMaxMs: 10,
      sinkRetry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const failed = () => lines.filter((l) => l.msg === 'database failed; restarting the source').length;
    for (let i = 0; i < 600 && failed() < 4; i++) await new Promise((r) => setTimeout(r, 50));
    expect(failed()).toBeGreaterThanOrEqual(4);
    await db.client.command({ query: 'ATTACH TABLE flows' });
    for (let i = 0; i < 600 && (await count(db, 'flows')) < 3; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await count(db, 'flows')).toBe(3);
    expect(lines.some((l) => String(l.msg).startsWith('source parked'))).toBe(false);
    const text = await metrics.registry.getSingleMetricAsString('flowlens_source_parked');
    expect(text).toContain('source="sdn-outage"} 0');
    controller.abort();
    await run;
  });
});
