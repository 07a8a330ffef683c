import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startApi } from '../../api/server.js';
import type { Db } from '../../core/clickhouse/client.js';
import { parseConfig } from '../../core/config/load.js';
import { recordDataset } from '../../core/enrich/store.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import { launchChromium, screenshotPath } from '../harness/browser.js';
import { openTestDb } from '../harness/chdb.js';
import { ARM, ago, type HealthRow, insertHealthRows, nsgBlob } from '../harness/ingest-health.js';

/**
 * Issue 14 bar, in Chromium: each flow log shows lag and status, and a source that stops turns
 * "silent" within 2 poll intervals. The server's clock is injected and stepped by the test (one
 * poll interval, 60 s, per step); the page re-renders every second (`?refresh=1`), so the steps
 * take seconds of real time.
 */
const POLL_SECONDS = 60;
const T0 = new Date('2031-06-15T12:00:00Z');
let clock = T0;
let db: Db & { close(): Promise<void> };
let api: RunningApi;
let browser: Browser;
let page: Page;
const controller = new AbortController();
const errors: string[] = [];
const hourOf = (d: Date) => new Date(Math.floor(d.getTime() / 3_600_000) * 3_600_000);

/** What the blob source stores for NSG-OK at one poll: the last minute's flows, arriving now. */
function delivery(at: Date, offset: number): Promise<void> {
  const time = ago(at, 60);
  return insertHealthRows(
    db,
    [
      {
        time,
        arrived: at,
        format: 'nsg-v2',
        nsg: 'NSG-OK',
        target: ARM.nsgOk,
        source: `blob:${nsgBlob(ARM.nsgOk, hourOf(time))}`,
      },
    ],
    offset,
  );
}

beforeAll(async () => {
  db = await openTestDb();
  // 60 hours of NSG-OK history (one blob per hour: more than one page of drill-down), a late NSG and
  // a VNet subnet that went quiet.
  const history: HealthRow[] = Array.from({ length: 60 }, (_, i) => {
    const time = ago(T0, (i + 1) * 3600);
    return {
      time,
      arrived: time,
      format: 'nsg-v2',
      nsg: 'NSG-OK',
      target: ARM.nsgOk,
      source: `blob:${nsgBlob(ARM.nsgOk, time)}`,
    };
  });
  const others: HealthRow[] = [
    {
      time: ago(T0, 1500),
      arrived: ago(T0, 30),
      format: 'nsg-v2',
      nsg: 'NSG-LATE',
      target: ARM.nsgLate,
      source: `blob:${nsgBlob(ARM.nsgLate, hourOf(ago(T0, 1500)))}`,
    },
    {
      time: ago(T0, 900),
      arrived: ago(T0, 840),
      format: 'vnet',
      nsg: '',
      target: ARM.subnet,
      source: 'kafka:flowlogs/0',
    },
  ];
  await insertHealthRows(db, [...history, ...others]);
  await delivery(T0, 1000);
  const asn = { name: 'asn', version: '2031-05-30', source: 'package:@ip-location-db/asn', rows: 9 };
  await recordDataset(db.client, { ...asn, dataDate: ago(T0, 16 * 86_400) }, ago(T0, 3600));
  const config = parseConfig({
    sources: [
      {
        type: 'blob',
        name: 'azure',
        auth: { method: 'connection-string' },
        pollIntervalSeconds: POLL_SECONDS,
      },
    ],
  });
  const ctx = { db, config, logger: silentLogger(), metrics: createMetrics(), now: () => clock };
  api = await startApi(ctx, controller.signal, { host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  controller.abort();
  await api?.stop();
  await db?.close();
});

async function open(path: string): Promise<void> {
  await page.goto(`${api.url}${path}`);
  await page.waitForSelector('main .card');
  await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
}

const flowLogs = () => page.locator('.card', { hasText: 'Flow logs' }).locator('tbody tr');
/** status and lag cell of the flow log named `name`, as the page shows them now. */
async function rowOf(name: string): Promise<{ status: string; lag: string }> {
  const row = flowLogs().filter({ has: page.locator('strong', { hasText: new RegExp(`^${name}$`) }) });
  return {
    status: (await row.locator('.status').textContent()) ?? '',
    lag: (await row.locator('.lag').textContent()) ?? '',
  };
}

describe('ingest health page in Chromium', () => {
  it('shows every flow log with its status, lag, sparkline, coverage and the datasets with their age', async () => {
    await open('/ingest');
    expect(await flowLogs().count()).toBe(3);
    expect(await rowOf('snet-app')).toEqual({ status: 'silent', lag: '14 min' });
    expect(await rowOf('NSG-LATE')).toEqual({ status: 'late', lag: '30 s' });
    expect(await rowOf('NSG-OK')).toEqual({ status: 'ok', lag: '0 s' });
    // silent first, then late, then ok
    expect(await flowLogs().locator('.status').allTextContents()).toEqual(['silent', 'late', 'ok']);
    const ok = flowLogs().filter({ hasText: 'NSG-OK' });
    const spark = (await ok.locator('svg.spark').getAttribute('data-values'))!.split(',').map(Number);
    expect(spark).toHaveLength(60);
    expect(spark[59]).toBe(1); // the delivery a minute before now
    expect(await ok.locator('td').nth(8).textContent()).toBe('8 %'); // 60 of the rules window's 720 hours
    const datasets = page.locator('.card', { hasText: 'Enrichment datasets' });
    expect(await datasets.locator('tbody tr').first().textContent()).toContain('asn2031-05-3016 days');
    await page.screenshot({ path: screenshotPath('ingest-health'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('drills into a flow log’s blobs: paged, paths ellipsized in the middle, whole on hover', async () => {
    await open('/ingest');
    await flowLogs().filter({ hasText: 'NSG-OK' }).click();
    const drill = page.locator('.card', { hasText: 'Blobs and partitions of' });
    await drill.locator('tbody tr').first().waitFor();
    expect(await drill.locator('tbody tr').count()).toBe(50);
    expect(await drill.locator('.pager').textContent()).toContain('page 1 of 2 (60)');
    const first = drill.locator('tbody tr').first().locator('code');
    const full = `blob:${nsgBlob(ARM.nsgOk, hourOf(ago(T0, 60)))}`;
    expect(await first.getAttribute('title')).toBe(full);
    const shown = (await first.textContent())!;
    expect(shown).toContain('…');
    expect(shown.endsWith('/PT1H.json')).toBe(true);
    expect(full.startsWith(shown.split('…')[0]!)).toBe(true);
    // the path fits inside its card: nothing cut off at the page edge
    const [cell, card] = [(await first.boundingBox())!, (await drill.boundingBox())!];
    expect(cell.x + cell.width).toBeLessThanOrEqual(card.x + card.width);
    await drill.locator('button.next').click();
    await page.waitForURL(/page=1/);
    await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
    const second = page.locator('.card', { hasText: 'Blobs and partitions of' });
    expect(await second.locator('tbody tr').count()).toBe(10);
    expect(await second.locator('.pager').textContent()).toContain('page 2 of 2');
    await page.screenshot({ path: screenshotPath('ingest-health-drill'), fullPage: true });
  });

  it('a source that stops turns its flow log silent within 2 poll intervals', async () => {
    await open('/ingest?refresh=1');
    // While the source delivers at every poll, the flow log stays ok.
    for (let i = 1; i <= 2; i++) {
      clock = new Date(T0.getTime() + i * POLL_SECONDS * 1000);
      await delivery(clock, 1000 + i);
      await expect.poll(() => rowOf('NSG-OK'), { timeout: 20_000 }).toEqual({ status: 'ok', lag: '0 s' });
    }
    // The source stops after the delivery at `stopped`: one poll interval later it is not silent yet…
    const stopped = clock.getTime();
    clock = new Date(stopped + POLL_SECONDS * 1000);
    await expect.poll(() => rowOf('NSG-OK'), { timeout: 20_000 }).toEqual({ status: 'ok', lag: '60 s' });
    // …and at two poll intervals it is.
    clock = new Date(stopped + 2 * POLL_SECONDS * 1000);
    await expect.poll(() => rowOf('NSG-OK'), { timeout: 20_000 }).toEqual({ status: 'silent', lag: '2 min' });
    // It turns ok again once rows arrive.
    await delivery(clock, 2000);
    await expect.poll(() => rowOf('NSG-OK'), { timeout: 20_000 }).toEqual({ status: 'ok', lag: '0 s' });
    expect(errors).toEqual([]);
  });
});
