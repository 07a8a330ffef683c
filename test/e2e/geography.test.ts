import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi } from '../../api/server.js';
import { rulesProvider } from '../../cli/rules-provider.js';
import { systemClock } from '../../core/clock.js';
import { parseConfig } from '../../core/config/load.js';
import { NetworkInventorySchema } from '../../core/config/sections/enrich.js';
import { ensureNetworks } from '../../core/enrich/flow-type.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import { type SeedFlow, seedFlows } from '../harness/api-seed.js';
import { launchChromium, screenshotPath } from '../harness/browser.js';
import { openTestDb } from '../harness/chdb.js';
import { loadEnrichSlices, SLICE_PEERS } from '../harness/enrich-slices.js';

const { google, cloudflare, arteria } = SLICE_PEERS;
let db: Awaited<ReturnType<typeof openTestDb>>;
let stopApi: () => Promise<void>;
let url: string;
let browser: Browser;
let page: Page;
const errors: string[] = [];

/** Internet peers from the real data slices (and one it does not know), in the last hour. */
function peerFlows(now: Date): SeedFlow[] {
  const at = (minutesAgo: number) =>
    new Date(now.getTime() - minutesAgo * 60_000).toISOString().replace('T', ' ').replace('Z', '');
  const rdp = { nsg: 'nsg-web', rule: 'UserRule_AllowRdp', dst_ip: '10.0.1.4', dst_port: 3389 };
  return [
    { ...rdp, time: at(40), src_ip: cloudflare.ip, direction: 'inbound', action: 'allow', bytes_sent: 4000 },
    { ...rdp, time: at(35), src_ip: arteria.ip, direction: 'inbound', action: 'allow', bytes_sent: 3000 },
    ...[30, 25, 20].map((m) => ({
      time: at(m),
      nsg: 'nsg-app',
      rule: 'DefaultRule_AllowInternetOutBound',
      src_ip: '10.0.2.10',
      dst_ip: google.ip,
      dst_port: 443,
      direction: 'outbound' as const,
      action: 'allow' as const,
      bytes_sent: 2_000_000,
    })),
    {
      time: at(15),
      nsg: 'nsg-web',
      rule: 'DefaultRule_DenyAllInBound',
      src_ip: '203.0.113.9',
      dst_ip: '10.0.1.5',
      dst_port: 22,
      direction: 'inbound',
      action: 'deny',
    },
    // On-premises behind ExpressRoute (the inventory below): a private peer with a connection type.
    {
      time: at(10),
      nsg: 'nsg-app',
      rule: 'UserRule_AllowOnPrem',
      src_ip: '10.0.2.10',
      dst_ip: '10.200.0.7',
      dst_port: 1433,
      direction: 'outbound',
      action: 'allow',
    },
  ];
}

beforeAll(async () => {
  const now = new Date();
  db = await openTestDb();
  await loadEnrichSlices(db.client, now);
  await seedFlows(db, peerFlows(now));
  const inventory = { vnets: [{ name: 'app', prefixes: ['10.0.0.0/16'] }], expressRoute: ['10.200.0.0/16'] };
  await ensureNetworks(db.client, NetworkInventorySchema.parse(inventory), () => now);
  const controller = new AbortController();
  const config = parseConfig({});
  const ctx = { db, config, logger: silentLogger(), metrics: createMetrics(), now: systemClock };
  const api = await startApi({ ...ctx, rules: rulesProvider(ctx) }, controller.signal, {
    host: '127.0.0.1',
    port: 0,
  });
  url = api.url;
  stopApi = async () => {
    controller.abort();
    await api.stop();
  };
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  // A rendering failure inside a loaded card is an unhandled rejection: Chromium logs it as an error.
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
});
afterAll(async () => {
  await browser?.close();
  await stopApi?.();
  await db?.close();
});

async function open(path: string): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.waitForSelector('main .card');
  await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
}

/** The map's tooltip text with the mouse at (x, y) inside the chart. */
async function tooltipAt(chart: { x: number; y: number }, x: number, y: number): Promise<string> {
  await page.mouse.move(chart.x + x, chart.y + y);
  await page.waitForTimeout(30);
  return page
    .locator('.card', { hasText: 'by country' })
    .locator('.chart > div')
    .last()
    .innerText()
    .catch(() => '');
}

describe('enrichment in the dashboards (Chromium, real ASN/country data slices)', () => {
  it('the flow explorer names the country and AS of public peers', async () => {
    await open(`/flows?filter=${encodeURIComponent('remote_is_public = true')}`);
    const rows = await page
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((r) => `${r.children[2]?.textContent} | ${r.lastElementChild?.textContent}`),
      );
    expect(rows).toContain(`${google.ip}:443 | US · AS15169 Google LLC`);
    expect(rows).toContain(`10.0.1.4:3389 | AU · AS13335 Cloudflare, Inc.`);
    expect(rows.find((r) => r.startsWith('10.0.1.5:22'))).toBe('10.0.1.5:22 | ');
    expect(errors).toEqual([]);
  });

  it('the flow explorer shows the connection type of a peer behind a gateway', async () => {
    await open(`/flows?filter=${encodeURIComponent('connection_type = ExpressRoute')}`);
    const rows = await page
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((r) => `${r.children[2]?.textContent} | ${r.lastElementChild?.textContent}`),
      );
    expect(rows).toEqual(['10.200.0.7:1433 | via ExpressRoute']);
    expect(errors).toEqual([]);
  });

  it('the exposure page names the country and AS of each internet source', async () => {
    await open('/exposure');
    const sources = await page
      .locator('.card', { hasText: 'reachable from the internet' })
      .locator('tbody tr td')
      .last()
      .textContent();
    expect(sources?.split(', ').length).toBeGreaterThan(0);
    expect(sources).toContain(`${cloudflare.ip} (AU · AS13335 Cloudflare, Inc.)`);
    expect(sources).toContain(`${arteria.ip} (JP · AS2519 ARTERIA Networks Corporation)`);
  });

  it('the geography page maps the countries, lists countries and networks, and drills down', async () => {
    await open('/geography');
    await page.screenshot({ path: screenshotPath('geography'), fullPage: true });
    expect(errors).toEqual([]);
    const chart = page.locator('.card', { hasText: 'by country' }).locator('.chart');
    expect(await chart.locator('canvas').count()).toBe(1);
    expect(await chart.getAttribute('data-countries')).toBe('3');
    const countries = await page
      .locator('.card', { hasText: 'Top countries' })
      .locator('tbody tr')
      .allInnerTexts();
    expect(countries.map((r) => r.split('\t')[0])).toEqual([
      'United States of America (US)',
      'Australia (AU)',
      'Japan (JP)',
      'unknown',
    ]);
    const networks = await page
      .locator('.card', { hasText: 'Top networks' })
      .locator('tbody tr')
      .allInnerTexts();
    expect(networks[0]?.split('\t').slice(0, 2)).toEqual(['AS15169', 'Google LLC']);
    expect(errors).toEqual([]);

    // Find Australia on the map by its tooltip (the map is scaled to the card), then click it.
    const box = (await chart.boundingBox())!;
    let hit: [number, number] | undefined;
    for (let x = box.width / 2; x < box.width && !hit; x += 16)
      for (let y = box.height / 2; y < box.height - 20 && !hit; y += 16)
        if ((await tooltipAt(box, x, y)).startsWith('Australia (AU)')) hit = [x, y];
    expect(hit).toBeDefined();
    await page.mouse.click(box.x + hit![0], box.y + hit![1]);
    await page.waitForURL(/\/flows\?/);
    expect(new URL(page.url()).searchParams.get('filter')).toBe(
      'remote_is_public = true AND remote_country = AU',
    );
    await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
    const sources = await page.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(sources.map((s) => s.split(':')[0])).toEqual([cloudflare.ip]);
  });
});
