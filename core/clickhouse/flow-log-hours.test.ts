import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsBySource } from '../../api/routes/ingest/status-queries.js';
import { openTestDb, rows, type TestDb } from '../../test/harness/chdb.js';
import { migrate } from './migrate.js';
import { migration0720 } from './migrations/0720_flow_log_hours.js';
import { DEFAULT_SCHEMA_OPTIONS } from './migrations/types.js';

/**
 * Migration 0720, the ingest-health rollup, against real chDB (and the server double in server
 * mode): it must say what raw `flows` says per flow log, hour and source — fed by its view for new
 * rows and by the one-off copy for rows stored before the migration. Flow times are years in the
 * past on purpose: nothing here depends on today.
 */
const flow = (time: string, nsg: string, source: string, bytes: number) => ({
  time,
  format: 'nsg-v2',
  nsg,
  direction: 'inbound',
  action: 'allow',
  dst_port: 443,
  bytes_sent: bytes,
  source,
});

const RAW =
  'SELECT toString(toStartOfHour(time)) AS h, nsg, source, toString(count()) AS n, toString(sum(bytes_sent)) AS b, ' +
  'toString(min(time)) AS lo, toString(max(time)) AS hi FROM flows GROUP BY h, nsg, source ORDER BY h, nsg, source';
const ROLLUP =
  'SELECT toString(hour) AS h, nsg, source, toString(sum(rows)) AS n, toString(sum(bytes)) AS b, ' +
  'toString(min(first_flow)) AS lo, toString(max(newest_flow)) AS hi FROM flow_log_hours GROUP BY h, nsg, source ORDER BY h, nsg, source';

async function insert(db: TestDb, values: ReturnType<typeof flow>[], token: string): Promise<void> {
  await db.client.insert({
    table: 'flows',
    format: 'JSONEachRow',
    values,
    clickhouse_settings: { insert_deduplication_token: token },
  });
}

describe('flow_log_hours (migration 0720)', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb();
  });
  afterAll(async () => db.close());

  it('copies rows stored before the migration once, even when two instances migrate at once', async () => {
    // As a database that stopped before 0720: no rollup, no view, rows already in flows.
    await db.client.command({ query: 'DROP TABLE flow_log_hours_mv' });
    await db.client.command({ query: 'DROP TABLE flow_log_hours' });
    await db.client.command({
      query: "ALTER TABLE schema_migrations DELETE WHERE version = '0720' SETTINGS mutations_sync = 2",
    });
    await insert(
      db,
      [
        flow('2019-02-03 10:05:00.000', 'nsg-a', 'blob:a/h10', 100),
        flow('2019-02-03 10:59:59.000', 'nsg-a', 'blob:a/h10', 50),
        flow('2019-02-03 11:00:00.000', 'nsg-a', 'blob:a/h11', 7),
        flow('2019-02-03 10:30:00.000', 'nsg-b', 'kafka:flows/0', 3),
      ],
      'before-0720',
    );
    const opts = { ...DEFAULT_SCHEMA_OPTIONS, hourTtlDays: 0 };
    expect((await migrate(db.client, opts)).applied).toEqual(['0720']);
    // A second instance that started before the first recorded 0720 runs the same statements.
    for (const statement of migration0720.up(opts)) await db.client.command({ query: statement });
    expect(await rows(db, ROLLUP)).toEqual(await rows(db, RAW));
    expect(await rows(db, 'SELECT toString(sum(rows)) AS n FROM flow_log_hours')).toEqual([{ n: '4' }]);
  });

  it('is fed by its view for new rows, and a replayed insert is not counted twice', async () => {
    const later = [
      flow('2019-02-03 11:30:00.000', 'nsg-a', 'blob:a/h11', 11),
      flow('2019-02-04 00:00:00.000', 'nsg-c', 'eventhubs:hub/1', 1),
    ];
    await insert(db, later, 'after-0720');
    await insert(db, later, 'after-0720');
    expect(await rows(db, ROLLUP)).toEqual(await rows(db, RAW));
    // Merged (the copy's and the view's rows of 11:00 become one), each column keeps its aggregate
    // (sum, min, max), not an arbitrary row's value.
    await db.client.command({ query: 'OPTIMIZE TABLE flow_log_hours FINAL' });
    expect(await rows(db, 'SELECT toString(count()) AS n FROM flow_log_hours')).toEqual([{ n: '4' }]);
    expect(await rows(db, ROLLUP)).toEqual(await rows(db, RAW));
    expect(await rows(db, 'SELECT toString(sum(rows)) AS n FROM flow_log_hours')).toEqual([{ n: '6' }]);
  });

  it('answers /api/ingest/status exactly for windows cut anywhere (whole hours rolled up, ends raw)', async () => {
    const raw = async (from: string, to: string) =>
      (
        await rows<{ source: string; n: string; newest: string }>(
          db,
          'SELECT source, toString(count()) AS n, toString(max(time)) AS newest FROM flows ' +
            `WHERE time >= '${from}' AND time < '${to}' GROUP BY source ORDER BY source`,
        )
      ).map((r) => ({ source: r.source, n: Number(r.n), newest: `${r.newest.replace(' ', 'T')}Z` }));
    const windows: [string, string][] = [
      ['2019-02-03 10:00:00.000', '2019-02-04 01:00:00.000'], // whole hours only
      ['2019-02-03 10:30:00.000', '2019-02-03 11:45:00.000'], // partial ends
      ['2019-02-03 10:10:00.000', '2019-02-03 10:50:00.000'], // inside one hour
      ['2019-02-03 11:00:00.000', '2019-02-03 11:30:00.001'], // an aligned start
    ];
    for (const [from, to] of windows) {
      const got = await rowsBySource(db, { from: new Date(`${from}Z`), to: new Date(`${to}Z`) });
      expect(got.map((r) => ({ source: r.source, n: r.n, newest: r.newest }))).toEqual(await raw(from, to));
    }
  });
});
