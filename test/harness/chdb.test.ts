import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDb, rows, type TestDb, testDbMode } from './chdb.js';

/**
 * The mode switch itself (FLOWLENS_TEST_DB): the second `npm test` run must really be on the server
 * path, or every "server mode" pass would be embedded chDB again. Runs in both runs.
 */
let db: TestDb;
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db?.close();
});

it('opens the database the mode names, migrated', async () => {
  expect(db.target.kind).toBe(testDbMode());
  if (testDbMode() === 'server') {
    expect(db.server?.url).toBe((db.target as { url: string }).url);
    const stats = await db.server!.stats();
    expect(stats.requests).toBeGreaterThan(0);
  }
  const applied = await rows<{ n: number }>(db, 'SELECT count() AS n FROM schema_migrations');
  expect(Number(applied[0]?.n)).toBeGreaterThan(0);
});
