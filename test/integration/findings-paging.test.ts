import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingList } from '../../api/routes/findings/routes.js';
import { SEVERITIES } from '../../core/finding.js';
import type { FindingQuery } from '../../core/findings/page.js';
import { queryFindings } from '../../core/findings/page.js';
import { type TestApi, testApi } from '../harness/api.js';
import { openTestDb, rows, type TestDb } from '../harness/chdb.js';
import { generateFindings } from '../harness/many-findings.js';

/**
 * 100 000 findings (10 000 of them with an older version underneath, so only FINAL reads are
 * right): totals, counts, filters and cursor pages must be exact, checked against direct SQL and
 * an independent order check in JS.
 */
const N = 100_000;
let db: TestDb;
let api: TestApi;

beforeAll(async () => {
  db = await openTestDb();
  await generateFindings(db, { count: N, end: new Date('2026-03-01T00:00:00Z'), staleVersions: 10_000 });
  api = testApi(db);
}, 120_000);
afterAll(async () => db.close());

async function direct(where = '1'): Promise<Record<string, number>> {
  const r = await rows<{ k: string; n: string }>(
    db,
    `SELECT severity || '/' || status AS k, count() AS n FROM findings FINAL WHERE ${where} GROUP BY k`,
  );
  return Object.fromEntries(r.map((x) => [x.k, Number(x.n)]));
}

function sum(m: Record<string, number>, pick: (k: string) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(m)) out[pick(k)] = (out[pick(k)] ?? 0) + n;
  return out;
}

/** Walks every page with the cursor; returns the rows in page order. */
async function walk(q: FindingQuery) {
  const out = [];
  let cursor: string | undefined;
  do {
    const page = await queryFindings(db.client, { ...q, cursor });
    expect(page.items.length).toBeLessThanOrEqual(q.limit ?? 50);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

const rank = (s: string) => SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]);

describe('findings in SQL with 100 000 findings', () => {
  it('totals and counts per severity and status match direct SQL', async () => {
    const all = await direct();
    const page = await queryFindings(db.client, { limit: 10 });
    expect(page.total).toBe(N);
    expect(page.counts.bySeverity).toEqual(sum(all, (k) => k.split('/')[0]!));
    expect(page.counts.byStatus).toEqual(sum(all, (k) => k.split('/')[1]!));
    // The stale versions (all info/open) must not show through.
    expect(page.counts.bySeverity.critical).toBeGreaterThan(10_000);
  });

  it('walks every finding exactly once in triage order (severity, then most recent)', async () => {
    const seen = await walk({ limit: 5_000 });
    expect(seen).toHaveLength(N);
    expect(new Set(seen.map((s) => s.finding.id)).size).toBe(N);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!.finding, seen[i]!.finding];
      const bySeverity = rank(a.severity) - rank(b.severity);
      expect(bySeverity > 0 || (bySeverity === 0 && a.lastSeen >= b.lastSeen), `${a.id} before ${b.id}`).toBe(
        true,
      );
    }
  }, 120_000);

  it('filters exactly and pages a filtered, re-sorted list through the API', async () => {
    const expected = await direct(
      `status IN ('open', 'acknowledged') AND severity IN ('high', 'critical') AND category = 'cat3'`,
    );
    const want = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(want).toBeGreaterThan(1_000);
    const ids: string[] = [];
    const titles: string[] = [];
    let cursor = '';
    let first: FindingList | undefined;
    do {
      const res = await api.get(
        `/api/findings?status=open,acknowledged&severity=high,critical&category=cat3&sort=title&order=asc&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      const page = (await res.json()) as FindingList;
      first ??= page;
      expect(page.total).toBe(want);
      ids.push(...page.items.map((f) => f.id));
      titles.push(...page.items.map((f) => f.title));
      cursor = page.nextCursor ?? '';
    } while (cursor);
    expect(ids).toHaveLength(want);
    expect(new Set(ids).size).toBe(want);
    expect(titles).toEqual([...titles].sort());
    expect(first!.counts.bySeverity).toEqual(sum(expected, (k) => k.split('/')[0]!));
    const text = await queryFindings(db.client, { q: 'FINDING 4242', limit: 100 });
    const [m] = await rows<{ n: string }>(
      db,
      `SELECT count() AS n FROM findings FINAL WHERE title LIKE 'Finding 4242%'`,
    );
    expect(text.total).toBe(Number(m!.n));
  }, 120_000);

  it.each([
    ['lastSeen', 'asc'],
    ['firstSeen', 'desc'],
  ] as const)(
    'walks every finding once sorted by %s %s (time-typed cursor)',
    async (sort, order) => {
      const seen = await walk({ sort, order, limit: 20_000 });
      expect(new Set(seen.map((s) => s.finding.id)).size).toBe(N);
      const key = seen.map((s) => (sort === 'lastSeen' ? s.finding.lastSeen : s.finding.firstSeen));
      const sorted = [...key].sort();
      expect(key).toEqual(order === 'asc' ? sorted : sorted.reverse());
    },
    120_000,
  );

  it('offset pages agree with cursor pages', async () => {
    const byCursor = await queryFindings(db.client, { sort: 'detections', limit: 100 });
    const next = await queryFindings(db.client, {
      sort: 'detections',
      limit: 100,
      cursor: byCursor.nextCursor!,
    });
    const byOffset = await queryFindings(db.client, { sort: 'detections', limit: 100, offset: 100 });
    expect(byOffset.items.map((s) => s.finding.id)).toEqual(next.items.map((s) => s.finding.id));
  });
});
