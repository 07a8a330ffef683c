import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindingDetail } from '../../api/routes/findings/routes.js';
import type { FlowPage } from '../../api/routes/flows/routes.js';
import type { IncidentDetail } from '../../api/routes/incidents/routes.js';
import type { TopResponse } from '../../api/routes/traffic/routes.js';
import { startApi } from '../../api/server.js';
import { rulesProvider } from '../../cli/rules-provider.js';
import { systemClock } from '../../core/clock.js';
import { parseConfig } from '../../core/config/load.js';
import { NetworkInventorySchema } from '../../core/config/sections/enrich.js';
import { ensureNetworks } from '../../core/enrich/flow-type.js';
import { parseIntel } from '../../core/enrich/intel.js';
import { loadIntelList, loadServiceTags } from '../../core/enrich/load.js';
import { type Enrichment, lookupAddress } from '../../core/enrich/lookup.js';
import { ensurePackagedDatasets } from '../../core/enrich/ranges.js';
import { ServiceTagsFileSchema } from '../../core/enrich/service-tags.js';
import type { Finding } from '../../core/finding.js';
import { silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import { seedFindings } from '../harness/api-findings.js';
import { type SeedFlow, seedFlows } from '../harness/api-seed.js';
import { launchChromium } from '../harness/browser.js';
import { openTestDb } from '../harness/chdb.js';
import { REPO_ROOT } from '../harness/cli.js';

/**
 * The bar of issue 13: every remote IP shown in the UI and API carries country, ASN and AS name, a
 * service tag where one applies, and threat lists. Real packaged ASN/country data (loaded once),
 * the ServiceTags slice and the FireHOL-layout list from test/fixtures/enrich.
 */
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'enrich');
const PEERS = {
  google: '8.8.8.8', // public, in the packaged data (AS15169, US)
  storage: '52.239.217.1', // Storage.AustraliaCentral in the service-tag slice, AS8075 in the data
  listed: '198.51.100.7', // on the firehol_level1 fixture list
} as const;
const PEER_IPS = Object.values(PEERS);
const LIST = 'firehol_level1';
const INCIDENT = 'inc-enrich-everywhere';
// Pinned: the API resolves `now-24h` with it and every flow is dated relative to it.
const NOW = systemClock();
const clock = () => NOW;

let db: Awaited<ReturnType<typeof openTestDb>>;
let stopApi: () => Promise<void>;
let url: string;
let browser: Browser;
let page: Page;
const who = new Map<string, Enrichment>();
const errors: string[] = [];

const at = (minutesAgo: number) =>
  new Date(NOW.getTime() - minutesAgo * 60_000).toISOString().replace('T', ' ').replace('Z', '');

/** Demo-shaped traffic: RDP from the internet to the web tier, app-tier egress to each peer. */
function flows(): SeedFlow[] {
  const rdp = { nsg: 'nsg-web', rule: 'UserRule_AllowRdp', dst_ip: '10.0.1.4', dst_port: 3389 };
  const inbound = [PEERS.google, PEERS.listed].map((src_ip, i) => ({
    ...rdp,
    time: at(50 - i),
    src_ip,
    direction: 'inbound' as const,
    action: 'allow' as const,
  }));
  const outbound = PEER_IPS.flatMap((dst_ip, i) =>
    [30, 20].map((m) => ({
      time: at(m - i),
      nsg: 'nsg-app',
      rule: 'DefaultRule_AllowInternetOutBound',
      src_ip: '10.0.2.10',
      dst_ip,
      dst_port: 443,
      direction: 'outbound' as const,
      action: 'allow' as const,
      bytes_sent: 1_000_000 * (i + 1),
    })),
  );
  return [...inbound, ...outbound];
}

/** One finding per peer, stored through the lifecycle the analyzers use. */
function findings(): Finding[] {
  return PEER_IPS.map((remoteIp) => ({
    id: `egress:10.0.2.10:${remoteIp}`,
    category: 'malicious-ip',
    severity: 'high',
    title: `10.0.2.10 talks to ${remoteIp}`,
    reason: 'seeded for the enrichment bar',
    firstSeen: new Date(NOW.getTime() - 40 * 60_000).toISOString(),
    lastSeen: new Date(NOW.getTime() - 10 * 60_000).toISOString(),
    subject: { ip: '10.0.2.10', remoteIp },
    // All three are parts of one incident, so its card lists the three remote actors.
    evidence: { flows: 2, bytes: 2_000_000, distinctPeers: 1, sampleFlows: [], incident: { id: INCIDENT } },
    status: 'open',
  }));
}

async function loadEnrichment(): Promise<void> {
  await ensurePackagedDatasets(db.client, clock);
  const tags = ServiceTagsFileSchema.parse(
    JSON.parse(readFileSync(join(FIXTURES, 'ServiceTags_Public_20261130.json'), 'utf8')),
  );
  await loadServiceTags(db.client, tags, { source: 'file:ServiceTags', now: NOW });
  const list = parseIntel(readFileSync(join(FIXTURES, 'firehol_level1.netset'), 'utf8'), 'lines');
  await loadIntelList(
    db.client,
    { name: LIST, prefixes: list.prefixes, confidence: 80 },
    { source: 't', now: NOW },
  );
  await ensureNetworks(db.client, NetworkInventorySchema.parse({}), clock);
  for (const e of await lookupAddress(db.client, [...PEER_IPS])) who.set(e.ip, e);
}

beforeAll(async () => {
  db = await openTestDb();
  await loadEnrichment();
  await seedFlows(db, flows());
  await seedFindings(db, findings(), NOW);
  const controller = new AbortController();
  const ctx = { db, config: parseConfig({}), logger: silentLogger(), metrics: createMetrics(), now: clock };
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
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
}, 600_000);
afterAll(async () => {
  await browser?.close();
  await stopApi?.();
  await db?.close();
});

/** What a page must say about a peer, in the UI's order: country · ASN name · tag · lists. */
function expectedText(ip: string): string {
  const e = who.get(ip)!;
  return [
    e.country,
    e.asn ? `AS${e.asn} ${e.asName}` : '',
    e.serviceTag,
    e.threatLists.length ? `listed: ${e.threatLists.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

async function open(path: string): Promise<void> {
  await page.goto(`${url}${path}`);
  await page.waitForSelector('main .card');
  await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
}

async function json<T>(path: string): Promise<T> {
  const res = await fetch(`${url}${path}`);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** Peer column of the flow tables on the page, by remote address. */
async function flowPeers(): Promise<Map<string, string>> {
  const rows = await page.locator('tbody tr').evaluateAll((trs) =>
    trs.map((r) => {
      const dir = r.children[4]?.textContent;
      const end = r.children[dir === 'inbound' ? 1 : 2]?.textContent ?? '';
      return [end.replace(/:\d+$/, ''), r.lastElementChild?.textContent ?? ''] as [string, string];
    }),
  );
  return new Map(rows);
}

describe('every remote IP carries country, ASN, AS name, service tag and threat lists (Chromium)', () => {
  it('the lookups behind the test know the peers (packaged data, service tags, list)', () => {
    expect(who.get(PEERS.google)).toMatchObject({ country: 'US', asn: 15169, asName: 'Google LLC' });
    const storage = who.get(PEERS.storage)!;
    expect(storage.serviceTag).toBe('Storage.AustraliaCentral');
    expect(storage.country).toMatch(/^[A-Z]{2}$/);
    expect(storage.asn).toBeGreaterThan(0);
    expect(storage.asName).not.toBe('');
    expect(who.get(PEERS.listed)?.threatLists).toEqual([LIST]);
  });

  it('the API: flows, top remote addresses and findings detail carry every field', async () => {
    const q = `from=now-24h&to=now&filter=${encodeURIComponent('remote_is_public = true')}`;
    const flowPage = await json<FlowPage>(`/api/flows?${q}&limit=100`);
    for (const ip of PEER_IPS) {
      const e = who.get(ip)!;
      const row = flowPage.rows.find((r) => r.dst_ip === ip || r.src_ip === ip);
      expect(row).toMatchObject({
        remote_country: e.country,
        remote_asn: e.asn,
        remote_as_name: e.asName,
        service_tag: e.serviceTag,
        threat_lists: e.threatLists,
      });
    }
    const top = await json<TopResponse>(`/api/traffic/top?${q}&dimension=remote_ip&metric=bytes`);
    expect(
      top.rows.map((r) => r.key).sort((a, b) => String(a.remote_ip).localeCompare(String(b.remote_ip))),
    ).toEqual(
      [...PEER_IPS].sort().map((ip) => {
        const e = who.get(ip)!;
        return {
          remote_ip: ip,
          remote_country: e.country,
          remote_asn: e.asn,
          remote_as_name: e.asName,
          service_tag: e.serviceTag,
          threat_lists: e.threatLists.join(', '),
        };
      }),
    );
    for (const ip of PEER_IPS) {
      const d = await json<FindingDetail>(`/api/findings/${encodeURIComponent(`egress:10.0.2.10:${ip}`)}`);
      expect(d.peer).toEqual(who.get(ip));
    }
    const incident = await json<IncidentDetail>(`/api/incidents/${INCIDENT}`);
    expect(incident.peers).toEqual(incident.incident.remotes.map((ip) => who.get(ip)));
    expect([...incident.incident.remotes].sort()).toEqual([...PEER_IPS].sort());
  });

  it('the flow explorer names each peer', async () => {
    await open(`/flows?filter=${encodeURIComponent('remote_is_public = true')}`);
    const peers = await flowPeers();
    for (const ip of PEER_IPS) expect(peers.get(ip)).toBe(expectedText(ip));
    expect(peers.get(PEERS.storage)).toContain('Storage.AustraliaCentral');
    expect(peers.get(PEERS.listed)).toContain(`listed: ${LIST}`);
    expect(errors).toEqual([]);
  });

  it('the exposure page names each internet source', async () => {
    await open('/exposure');
    const sources = await page
      .locator('.card', { hasText: 'reachable from the internet' })
      .locator('tbody tr td')
      .last()
      .textContent();
    for (const ip of [PEERS.google, PEERS.listed]) expect(sources).toContain(`${ip} (${expectedText(ip)})`);
    expect(errors).toEqual([]);
  });

  it('the egress page names each internet destination', async () => {
    await open('/egress');
    const rows = await page
      .locator('.card', { hasText: 'Top internet destinations' })
      .locator('tbody tr td:first-child')
      .allTextContents();
    expect(rows.sort()).toEqual([...PEER_IPS].sort().map((ip) => `${ip} (${expectedText(ip)})`));
    expect(errors).toEqual([]);
  });

  it('the findings detail names the remote address and the evidence flows', async () => {
    for (const ip of PEER_IPS) {
      await open(`/findings?id=${encodeURIComponent(`egress:10.0.2.10:${ip}`)}&status=all`);
      await page.waitForSelector('.detail');
      const facts = await page.locator('.detail dt').allTextContents();
      const values = await page.locator('.detail dd').allTextContents();
      expect(values[facts.indexOf('remote address')]).toBe(`${ip} · ${expectedText(ip)}`);
      const peers = await flowPeers();
      expect(peers.get(ip)).toBe(expectedText(ip));
    }
    expect(errors).toEqual([]);
  });

  it('the incident card names each remote actor', async () => {
    await open(`/findings?incident=${INCIDENT}&status=all`);
    await page.waitForSelector('.detail.incident');
    const facts = await page.locator('.detail.incident dt').allTextContents();
    const values = await page.locator('.detail.incident dd').allTextContents();
    const remote = values[facts.indexOf('remote')]!.split('; ');
    expect(remote.sort()).toEqual([...PEER_IPS].sort().map((ip) => `${ip} · ${expectedText(ip)}`));
    expect(errors).toEqual([]);
  });

  it('the geography drill-down (country, then network) lists the flows with each peer named', async () => {
    const storage = who.get(PEERS.storage)!;
    await open('/geography');
    await page
      .locator('.card', { hasText: 'Top countries' })
      .locator('tbody tr', { hasText: `(${storage.country})` })
      .click();
    await page.waitForURL(/\/flows\?/);
    await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
    expect((await flowPeers()).get(PEERS.storage)).toBe(expectedText(PEERS.storage));
    await open('/geography');
    await page
      .locator('.card', { hasText: 'Top networks' })
      .locator('tbody tr', { hasText: `AS${who.get(PEERS.google)!.asn}` })
      .click();
    await page.waitForURL(/\/flows\?/);
    await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
    const peers = await flowPeers();
    expect([...peers.keys()]).toEqual([PEERS.google]);
    expect(peers.get(PEERS.google)).toBe(expectedText(PEERS.google));
    expect(errors).toEqual([]);
  });
});
