import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIncidents } from '../../analyze/incidents.js';
import type { Finding } from '../../core/finding.js';
import { seedFindings } from '../harness/api-findings.js';
import { type SeededServer, startSeededServer } from '../harness/api-server.js';
import { launchChromium, screenshotPath } from '../harness/browser.js';

let server: SeededServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  server = await startSeededServer();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens a page and waits until every card finished loading. */
async function open(path: string): Promise<void> {
  await page.goto(`${server.url}${path}`);
  await page.waitForSelector('main .card');
  await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
}

async function canvases(): Promise<number> {
  return page.locator('.chart canvas').count();
}

describe('dashboards in Chromium against a seeded server', () => {
  it.each([
    ['/', 'overview', 3],
    ['/exposure', 'exposure', 1],
    ['/egress', 'egress', 3],
    ['/geography', 'geography', 1],
    ['/findings', 'findings', 0],
    ['/rules', 'rules', 1],
    ['/segmentation', 'segmentation', 1],
    ['/flows', 'flows', 0],
    ['/ingest', 'ingest', 0],
  ])('%s renders with data and no errors', async (path, name, charts) => {
    await open(path);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
    expect(await page.locator('.msg.error').count()).toBe(0);
    expect(await canvases()).toBeGreaterThanOrEqual(charts);
    if (charts === 0) expect(await page.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('drills down from the top-talkers chart to that host’s flows', async () => {
    await open('/');
    const chart = page.locator('.card', { hasText: 'Top talkers' }).locator('.chart');
    // The largest bar is the top row of the horizontal bar chart (grid top 28 px, 10 bars).
    const box = (await chart.boundingBox())!;
    const band = (box.height - 28 - 24) / 10;
    await chart.click({ position: { x: 140, y: 28 + band / 2 } });
    await page.waitForURL(/\/flows\?/);
    const filter = new URL(page.url()).searchParams.get('filter');
    expect(filter).toMatch(/^local_ip = 10\.\d+\.\d+\.\d+$/);
    await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
    const host = filter!.split(' = ')[1]!;
    const cells = await page
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => `${r.children[1]?.textContent} ${r.children[2]?.textContent}`));
    expect(cells.length).toBeGreaterThan(0);
    for (const c of cells) expect(c).toContain(`${host}:`);
    await page.screenshot({ path: screenshotPath('drilldown-flows'), fullPage: true });
  });

  it('drills down from an exposure row to the exposed host’s flows', async () => {
    await open('/exposure');
    const row = page.locator('.card', { hasText: 'reachable from the internet' }).locator('tbody tr').first();
    const host = (await row.locator('td').first().textContent())!;
    await row.click();
    await page.waitForURL(/\/flows\?/);
    await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
    const destinations = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(destinations.length).toBeGreaterThan(0);
    for (const d of destinations) expect(d.startsWith(`${host}:`)).toBe(true);
  });

  it('completes fields in the filter bar and applies a filter', async () => {
    await open('/flows');
    const input = page.locator('input.filter');
    await input.fill('');
    await input.pressSequentially('dst_p');
    await page.waitForSelector('ul.suggest li');
    expect(await page.locator('ul.suggest li').allTextContents()).toContain('dst_port');
    await input.fill('dst_port = 3389 AND action = allow');
    await input.press('Enter');
    await page.waitForURL(/filter=dst_port/);
    await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
    const ports = await page.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p.endsWith(':3389')).toBe(true);
    await input.fill('dst_port = nope');
    await input.press('Enter');
    await expect.poll(() => page.locator('.filter-status.error').textContent()).toContain('whole number');
  });

  it('sorts the triage queue: severity first by default, any column by its header', async () => {
    await open('/findings?status=all');
    const queue = page.locator('.card', { hasText: 'Triage queue' });
    const titles = () => queue.locator('tbody tr td:nth-child(3)').allTextContents();
    const apiTitles = async (query: string) => {
      const res = await fetch(`${server.url}/api/findings?limit=200${query}`);
      return ((await res.json()) as { items: { title: string }[] }).items.map((f) => f.title);
    };
    const order = ['critical', 'high', 'medium', 'low', 'info'];
    const ranks = (await queue.locator('tbody tr td:nth-child(1)').allTextContents()).map((s) =>
      order.indexOf(s),
    );
    expect(ranks.length).toBeGreaterThan(2);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    await queue.getByRole('button', { name: 'last seen' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('lastSeen');
    await expect.poll(titles).toEqual(await apiTitles('&sort=lastSeen&order=desc'));
    expect(await queue.locator('th[aria-sort="descending"]').textContent()).toContain('last seen');
    await queue.getByRole('button', { name: /last seen/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('order')).toBe('asc');
    await expect.poll(titles).toEqual(await apiTitles('&sort=lastSeen&order=asc'));
    expect(errors).toEqual([]);
  });

  it('acknowledges a finding from the triage queue', async () => {
    await open('/findings?q=SSH%20probes');
    await page.locator('tbody tr', { hasText: 'SSH probes from 203.0.113.9' }).click();
    await page.waitForSelector('.detail h3');
    expect(await page.locator('.detail tbody tr').count()).toBeGreaterThan(0);
    await page.locator('input.comment').fill('seen, tracking in INC-42');
    await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await expect
      .poll(() => page.locator('.detail dd').nth(2).textContent())
      .toContain('acknowledged — by local');
    await page.screenshot({ path: screenshotPath('finding-acknowledged'), fullPage: true });
    const res = await fetch(`${server.url}/api/findings/${encodeURIComponent('scan:203.0.113.9')}`);
    const body = (await res.json()) as { finding: { status: string; statusReason: string } };
    expect(body.finding).toMatchObject({ status: 'acknowledged', statusReason: 'seen, tracking in INC-42' });
  });

  it('shows rule hits joined to the imported NSG inventory, with recommendations', async () => {
    await open('/rules');
    const rules = page.locator('.card:has(h2:text-is("Rules"))');
    expect(await rules.locator('tbody tr').count()).toBeGreaterThan(10);
    expect(await page.locator('text=never (unused)').count()).toBeGreaterThan(0);
    const recs = page.locator('.card', { hasText: 'Unused and overly permissive' }).locator('tbody tr');
    expect(await recs.count()).toBeGreaterThan(0);
    expect(await recs.allTextContents()).toContainEqual(expect.stringContaining('AllowRdpFromInternet'));
  });

  it('keeps state in the URL: time range and metric survive a reload', async () => {
    await open('/?from=now-6h&to=now&metric=flows');
    expect(await page.locator('select[aria-label="time range"]').inputValue()).toBe('now-6h');
    expect(await page.locator('.toggle button.on').first().textContent()).toBe('flows');
    await page.reload();
    await page.waitForSelector('.toggle button.on');
    expect(await page.locator('.toggle button.on').first().textContent()).toBe('flows');
  });

  it('credits DB-IP with a link on every page (CC BY 4.0 data, NOTICE) and breaks traffic down by flow type', async () => {
    await open('/flows');
    expect(await page.locator('footer.attribution a[href="https://db-ip.com"]').count()).toBe(1);
    await open('/');
    const types = page.locator('.card', { hasText: 'Flow types' });
    expect(await types.locator('.chart canvas').count()).toBe(1);
  });

  it('shows incidents on the findings page with their parts, each a link to the finding', async () => {
    const at = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
    const part = (id: string, category: string, subject: Finding['subject'], min: number): Finding => ({
      id,
      category,
      severity: 'high',
      title: `${category} from 203.0.113.200`,
      reason: 'planted for the incident view',
      firstSeen: at(min),
      lastSeen: at(min - 5),
      subject,
      evidence: { flows: 2, sampleFlows: [] },
      status: 'open',
    });
    await seedFindings(
      server.db,
      linkIncidents([
        part('e2e-scan', 'port-scan', { ip: '10.0.9.9', remoteIp: '203.0.113.200' }, 30),
        part('e2e-brute', 'brute-force', { ip: '10.0.9.9', remoteIp: '203.0.113.200', port: 22 }, 20),
      ]),
    );
    await open('/findings');
    const incidents = page.locator('.card', { hasText: 'Incidents' }).first();
    await incidents.locator('tbody tr', { hasText: '203.0.113.200' }).click();
    await page.waitForSelector('.detail.incident h3');
    const parts = page.locator('.detail.incident tbody tr');
    expect(await parts.count()).toBe(2);
    expect(await parts.first().textContent()).toContain('port-scan');
    await page.locator('a.part-link', { hasText: 'brute-force' }).click();
    await page.waitForSelector('.detail:not(.incident) h3');
    expect(await page.locator('.detail:not(.incident) h3').textContent()).toBe(
      'brute-force from 203.0.113.200',
    );
    expect(await page.locator('button.incident-link').count()).toBe(1);
    await page.screenshot({ path: screenshotPath('incident'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
