import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingDetail, FindingList } from '../../api/routes/findings/routes.js';
import type { FlowPage } from '../../api/routes/flows/routes.js';
import type { IncidentDetail, IncidentList } from '../../api/routes/incidents/routes.js';
import type { TopResponse } from '../../api/routes/traffic/routes.js';
import { DEMO_BACKFILL_HOURS } from '../../cli/demo-tour.js';
import type { Enrichment } from '../../core/enrich/lookup.js';
import { DEMO_THREAT_LIST, STORAGE_ACCOUNT_IP } from '../../simulator/azure-services.js';
import { C2_IP, SCANNER_IP } from '../../simulator/incidents.js';
import { launchChromium, screenshotPath } from '../harness/browser.js';
import { runCli } from '../harness/cli.js';
import { type DemoProcess, startDemo, waitFor } from '../harness/demo-process.js';
import { peerText, rowPeer } from '../harness/peer-text.js';

/**
 * The bar of issue 13 on `flowlens demo` itself (what `npm start` runs, with the packaged ASN and
 * country data it loads at first start, its service-tag slice and threat list): every remote IP a
 * page shows carries country, ASN and AS name, its service tag and threat lists, equal to what
 * `flowlens enrich lookup` answers from the demo's database once the demo has stopped.
 * The demo reads the clock (history and incidents are dated from it); nothing here names a date.
 */
const RANGE = `from=now-${DEMO_BACKFILL_HOURS}h&to=now`;
const PUBLIC = encodeURIComponent('remote_is_public = true');
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;

/** What one page showed about one remote address; `want` is what it should show, from the lookup. */
interface Seen {
  where: string;
  ip: string;
  shown: string;
  want: () => string;
  /** The page shows several peers in one cell: the wanted text must be in it. */
  within?: boolean;
}

const dbDir = mkdtempSync(join(tmpdir(), 'flowlens-demo-enrich-'));
let demo: DemoProcess;
let browser: Browser;
let page: Page;
const seen: Seen[] = [];
const errors: string[] = [];
const who = new Map<string, Enrichment>();

async function json<T>(path: string): Promise<T> {
  const res = await fetch(`${demo.url}${path}`);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The demo has its history, the planted incidents' findings (one on a listed address) and an incident. */
async function demoIsReady(): Promise<true | undefined> {
  const listed = await json<FindingList>('/api/findings?limit=500&category=malicious-ip');
  const scan = await json<FindingList>('/api/findings?limit=500&category=port-scan');
  const incidents = await json<IncidentList>('/api/incidents?limit=50');
  const storage = await json<FlowPage>(
    `/api/flows?${RANGE}&limit=1&filter=${encodeURIComponent(`dst_ip = ${STORAGE_ACCOUNT_IP}`)}`,
  );
  const ready =
    listed.items.some((f) => f.subject.remoteIp === C2_IP) &&
    scan.items.some((f) => f.subject.remoteIp === SCANNER_IP) &&
    incidents.items.some((i) => i.remotes.length > 0) &&
    storage.rows.length > 0;
  return ready || undefined;
}

beforeAll(async () => {
  // The packaged data is what a fresh `npm start` loads (the suite turns it off for other tests).
  demo = await startDemo(['--db', dbDir, '--port', '0'], { FLOWLENS_ENRICH__PACKAGED_DATA: 'load' });
  await waitFor('flows, findings and an incident in the demo', demoIsReady, 600_000).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${demo.output().slice(-4000)}`);
  });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
}, 900_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  rmSync(dbDir, { recursive: true, force: true });
});

async function open(path: string): Promise<void> {
  await page.goto(`${demo.url}${path}${path.includes('?') ? '&' : '?'}${RANGE}`);
  await settle();
}

async function settle(): Promise<void> {
  await page.waitForSelector('main .card');
  await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0, undefined, {
    timeout: 120_000,
  });
}

/** Flow tables on the page: the remote end of each row and its peer column. */
async function flowPeers(where: string): Promise<number> {
  // Flow rows are the ones with a direction column (the findings page also lists findings).
  const rows = await page.locator('tbody tr').evaluateAll((trs) =>
    trs.flatMap((r) => {
      const direction = r.children[4]?.textContent;
      if (direction !== 'inbound' && direction !== 'outbound') return [];
      const end = r.children[direction === 'inbound' ? 1 : 2]?.textContent ?? '';
      return [[end.replace(/:\d+$/, ''), r.lastElementChild?.textContent ?? ''] as const];
    }),
  );
  for (const [ip, shown] of rows) seen.push({ where, ip, shown, want: () => whoText(ip) });
  return rows.length;
}

/** What the enrichment says about `ip`, in the UI's order: country · ASN name · tag · lists. */
function whoText(ip: string): string {
  const e = who.get(ip);
  return e ? peerText(e) : `(${ip} not looked up)`;
}

/** The rule report's `peers` entry for `ip`, from the lookup. */
function reportPeer(ip: string): string {
  const e = who.get(ip);
  return JSON.stringify(
    e && {
      country: e.country,
      asn: e.asn,
      asName: e.asName,
      serviceTag: e.serviceTag,
      threatLists: e.threatLists,
    },
  );
}

describe('flowlens demo: every remote IP the pages show is named (Chromium)', () => {
  it('the flow explorer', async () => {
    await open(`/flows?filter=${PUBLIC}`);
    expect(await flowPeers('flows')).toBeGreaterThan(10);
    // The peers that show each kind of enrichment, by their own filter.
    for (const ip of [STORAGE_ACCOUNT_IP, C2_IP, SCANNER_IP]) {
      await open(`/flows?filter=${encodeURIComponent(`remote_ip = ${ip}`)}`);
      expect(await flowPeers(`flows ${ip}`)).toBeGreaterThan(0);
    }
  });

  it('the exposure page', async () => {
    await open('/exposure');
    const cells = await page
      .locator('.card', { hasText: 'reachable from the internet' })
      .locator('tbody tr td:last-child')
      .allTextContents();
    for (const cell of cells)
      for (const ip of cell.match(IPV4) ?? [])
        seen.push({ where: 'exposure', ip, shown: cell, want: () => `${ip} (${whoText(ip)})`, within: true });
    expect(cells.length).toBeGreaterThan(0);
  });

  it('the egress page', async () => {
    await open('/egress');
    const cells = await page
      .locator('.card', { hasText: 'Top internet destinations' })
      .locator('tbody tr td:first-child')
      .allTextContents();
    expect(cells.length).toBeGreaterThan(0);
    for (const cell of cells) {
      const ip = cell.split(' ')[0]!;
      seen.push({ where: 'egress', ip, shown: cell, want: () => `${ip} (${whoText(ip)})` });
    }
  });

  it('the findings detail: the remote address and the evidence flows', async () => {
    const list = await json<FindingList>('/api/findings?limit=500');
    const withPeer = list.items.filter((f) => typeof f.subject.remoteIp === 'string');
    expect(withPeer.length).toBeGreaterThan(2);
    for (const f of withPeer) {
      await page.goto(`${demo.url}/findings?id=${encodeURIComponent(f.id)}&status=all`);
      await page.waitForSelector('.detail');
      await settle();
      const facts = await page.locator('.detail dt').allTextContents();
      const values = await page.locator('.detail dd').allTextContents();
      const ip = String(f.subject.remoteIp);
      const shown = values[facts.indexOf('remote address')] ?? '(no remote address)';
      seen.push({ where: `finding ${f.id}`, ip, shown, want: () => `${ip} · ${whoText(ip)}` });
      await flowPeers(`finding ${f.id} evidence`);
    }
  });

  it('the incident cards', async () => {
    const list = await json<IncidentList>('/api/incidents?limit=50');
    const withRemotes = list.items.filter((i) => i.remotes.length > 0);
    expect(withRemotes.length).toBeGreaterThan(0);
    for (const i of withRemotes) {
      await page.goto(`${demo.url}/findings?incident=${encodeURIComponent(i.id)}&status=all`);
      await page.waitForSelector('.detail.incident');
      const facts = await page.locator('.detail.incident dt').allTextContents();
      const values = await page.locator('.detail.incident dd').allTextContents();
      const remote = values[facts.indexOf('remote')] ?? '';
      for (const ip of i.remotes)
        seen.push({
          where: `incident ${i.id}`,
          ip,
          shown: remote,
          want: () => `${ip} · ${whoText(ip)}`,
          within: true,
        });
    }
  });

  it('the geography drill-down, by country and by network', async () => {
    for (const card of ['Top countries', 'Top networks']) {
      await open('/geography');
      await page.locator('.card', { hasText: card }).locator('tbody tr').first().click();
      await page.waitForURL(/\/flows\?/);
      await settle();
      expect(await flowPeers(`geography ${card}`)).toBeGreaterThan(0);
    }
    await page.screenshot({ path: screenshotPath('demo-enrich-geography-drill'), fullPage: true });
  });

  it('the API: flows and the top remote addresses', async () => {
    const flows = await json<FlowPage>(`/api/flows?${RANGE}&filter=${PUBLIC}&limit=500`);
    const top = await json<TopResponse>(
      `/api/traffic/top?${RANGE}&filter=${PUBLIC}&dimension=remote_ip&metric=bytes`,
    );
    expect(flows.rows.length).toBeGreaterThan(10);
    for (const r of flows.rows) {
      const ip = r.direction === 'inbound' ? r.src_ip : r.dst_ip;
      seen.push({ where: 'GET /api/flows', ip, shown: peerText(rowPeer(r)), want: () => whoText(ip) });
    }
    for (const { key } of top.rows) {
      const ip = String(key.remote_ip);
      seen.push({
        where: 'GET /api/traffic/top',
        ip,
        shown: peerText(rowPeer(key)),
        want: () => whoText(ip),
      });
    }
    for (const f of (await json<FindingList>('/api/findings?limit=500')).items) {
      if (typeof f.subject.remoteIp !== 'string') continue;
      const d = await json<FindingDetail>(`/api/findings/${encodeURIComponent(f.id)}`);
      const ip = f.subject.remoteIp;
      seen.push({
        where: `GET /api/findings/${f.id}`,
        ip,
        shown: JSON.stringify(d.peer),
        want: () => JSON.stringify(who.get(ip)),
      });
    }
    for (const i of (await json<IncidentList>('/api/incidents?limit=50')).items) {
      const d = await json<IncidentDetail>(`/api/incidents/${encodeURIComponent(i.id)}`);
      for (const [n, ip] of d.incident.remotes.entries())
        seen.push({
          where: `GET /api/incidents/${i.id}`,
          ip,
          shown: JSON.stringify(d.peers[n]),
          want: () => JSON.stringify(who.get(ip)),
        });
    }
    // The rule report's evidence flows (JSON; Markdown and HTML print the same peers).
    const report = await json<{ peers?: Record<string, unknown> }>(`/api/rules/report?${RANGE}&format=json`);
    const peers = Object.entries(report.peers ?? {});
    expect(peers.length).toBeGreaterThan(0);
    for (const [ip, p] of peers)
      seen.push({ where: 'GET /api/rules/report', ip, shown: JSON.stringify(p), want: () => reportPeer(ip) });
    expect(errors).toEqual([]);
  });

  it('…and each of them says what `flowlens enrich lookup` says, with country, ASN and AS name', async () => {
    expect(await demo.stop()).toBe(0);
    const ips = [...new Set(seen.map((s) => s.ip))];
    const lookup = await runCli(['--db', dbDir, 'enrich', 'lookup', '--json', ...ips], {
      timeoutMs: 300_000,
    });
    expect(lookup.code, lookup.stderr).toBe(0);
    for (const e of JSON.parse(lookup.stdout) as Enrichment[]) who.set(e.ip, e);

    // The demo shows every kind: a service tag, a listed address, and a name for every peer.
    expect(who.get(STORAGE_ACCOUNT_IP)?.serviceTag).toBe('Storage.WestEurope');
    expect(who.get(C2_IP)?.threatLists).toEqual([DEMO_THREAT_LIST.name]);
    const unnamed = ips.filter((ip) => {
      const e = who.get(ip);
      return !e?.country || !e.asn || !e.asName;
    });
    expect(unnamed).toEqual([]);

    const wrong = seen
      .map((s) => {
        const want = s.want();
        const ok = s.within ? s.shown.includes(want) : s.shown === want;
        return ok ? null : `${s.where} ${s.ip}: shows "${s.shown}", lookup says "${want}"`;
      })
      .filter(Boolean);
    const tagged = ips.filter((ip) => who.get(ip)?.serviceTag).length;
    const listed = ips.filter((ip) => who.get(ip)?.threatLists.length).length;
    process.stdout.write(
      `demo enrichment: ${seen.length} peer texts of ${ips.length} addresses checked; ${tagged} with a service tag, ${listed} listed\n`,
    );
    expect(wrong).toEqual([]);
    expect(seen.length).toBeGreaterThan(50);
  }, 600_000);
});
