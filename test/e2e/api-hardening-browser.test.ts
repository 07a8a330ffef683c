import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyStore } from '../../api/auth/keys.js';
import { parseConfig } from '../../core/config/load.js';
import { type SeededServer, startSeededServer } from '../harness/api-server.js';
import { launchChromium } from '../harness/browser.js';

/**
 * Issue 15 in a real browser: a page on another origin cannot mint a key on a local-mode server,
 * a rebinding host name is refused, and with auth on the dashboards' Export and Report buttons
 * download with the key (they were plain links and got 401).
 */
let server: SeededServer;
let browser: Browser;
let attacker: Server;
let attackerUrl: string;
const REBIND = 'rebind.attacker.example';

/** The attacker's page: a no-cors fetch and a form post at the API, as a DNS-rebinding or CSRF page would. */
function attackPage(api: string): string {
  return `<!doctype html><html><body>
<form id="f" method="post" action="${api}/api/keys" enctype="text/plain" target="sink">
<input name='{"name":"csrf","role":"admin","x":"' value='"}'></form><iframe name="sink"></iframe>
<script>
fetch('${api}/api/keys', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' },
  body: JSON.stringify({ name: 'nocors', role: 'admin' }) })
  .then(() => { document.title = 'sent'; }, () => { document.title = 'blocked'; });
document.getElementById('f').submit();
</script></body></html>`;
}

/** Requests the server answered 403 so far (its own Prometheus counter). */
async function refused(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return [...text.matchAll(/^flowlens_api_requests_total\{[^}]*status="403"[^}]*\} (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

beforeAll(async () => {
  server = await startSeededServer({ hours: 1 });
  attacker = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(attackPage(server.url));
  });
  await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
  browser = await launchChromium([`--host-resolver-rules=MAP ${REBIND} 127.0.0.1`]);
});
afterAll(async () => {
  await browser?.close();
  attacker?.close();
  await server?.stop();
});

describe('cross-origin pages against a local-mode server', () => {
  it('a page on another origin cannot create a key: both writes are refused as cross-origin', async () => {
    const before = await refused();
    const page = await browser.newPage();
    await page.goto(attackerUrl);
    await page.waitForFunction(() => document.title === 'sent' || document.title === 'blocked');
    // Both the no-cors fetch and the form post reach the server and get 403 (without the Origin
    // check they would reach the handler); wait for the two to be counted.
    for (let i = 0; i < 100 && (await refused()) < before + 2; i++) await page.waitForTimeout(100);
    expect(await refused()).toBe(before + 2);
    expect(await new KeyStore(server.db, parseConfig({}).api).list()).toEqual([]);
    await page.close();
  });

  it('a rebinding host name reaching the server is refused', async () => {
    const page = await browser.newPage();
    const port = new URL(server.url).port;
    const res = await page.goto(`http://${REBIND}:${port}/api/findings`);
    expect(res?.status()).toBe(403);
    const ui = await page.goto(`http://${REBIND}:${port}/`);
    expect(ui?.status()).toBe(403);
    await page.close();
  });
});

describe('dashboard downloads with auth on', () => {
  let key: string;
  beforeAll(async () => {
    key = (await new KeyStore(server.db, parseConfig({}).api).create('browser', 'viewer', 'cli')).key;
  });

  it('plain requests get 401 now; Export CSV and the rules report download with the key', async () => {
    // The running local-mode server notices the CLI-made key within its 5 s key cache.
    let status = 0;
    for (let i = 0; i < 100 && status !== 401; i++) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      status = (await fetch(`${server.url}/api/flows/export`)).status;
    }
    expect(status).toBe(401);
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.evaluate((k) => localStorage.setItem('flowlens.apiKey', k), key);
    await page.goto(`${server.url}/flows`);
    await page.waitForSelector('tbody tr');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByText('Export CSV').click()]);
    expect(csv.suggestedFilename()).toBe('flows.csv');
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.split('\n')[0]).toContain('"time","src_ip"');
    expect(text.trim().split('\n').length).toBeGreaterThan(1);

    await page.goto(`${server.url}/rules`);
    await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0);
    const [md] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a.button', { hasText: /^MD$/ }).click(),
    ]);
    const report = readFileSync((await md.path())!, 'utf8');
    expect(report.length).toBeGreaterThan(0);
    expect(report).not.toContain('"unauthenticated"');
    await context.close();
  });
});
