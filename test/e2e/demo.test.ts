import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_BACKFILL_HOURS, demoTour, renderTour, tourLink } from '../../cli/demo-tour.js';
import { SCANNER_IP } from '../../simulator/incidents.js';
import { launchChromium, screenshotPath } from '../harness/browser.js';
import { REPO_ROOT } from '../harness/cli.js';
import { waitFor } from '../harness/demo-process.js';
import { failedCheck } from '../harness/demo-tour.js';

/** Every descendant pid of `pid` (ps is in procps on Debian, present on CI machines). */
function descendants(pid: number): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return [];
  }
  const children = out
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
  return children.flatMap((c) => [c, ...descendants(c)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('flowlens demo (what npm start runs)', () => {
  let demo: ChildProcess | undefined;
  let output = '';
  afterAll(() => {
    if (demo?.pid && alive(demo.pid)) demo.kill('SIGKILL');
  });

  it('keeps every promise of its printed tour within the promised minutes, then shuts down without leftovers', async () => {
    // Exactly what `npm start` runs, on a throw-away database and any free port.
    const startedAt = Date.now();
    demo = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'cli', 'main.ts'), 'demo', '--ephemeral', '--port', '0'],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FLOWLENS_LOG_LEVEL: 'warn' },
      },
    );
    demo.stdout?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    demo.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const url = await waitFor(
      'the demo URL',
      async () => /flowlens demo is running: (http:\/\/\S+)/.exec(output)?.[1],
      180_000,
    );

    // The printed tour is the rendering of this data and nothing else: checking every item's
    // checks checks every printed promise.
    const tour = demoTour(DEMO_BACKFILL_HOURS);
    await waitFor(
      'the whole tour',
      async () => (output.includes('Ctrl-C stops everything.') ? true : undefined),
      10_000,
    );
    expect(output).toContain(renderTour(url, tour));
    const deadline = startedAt + tour.withinMinutes * 60_000;
    const checks = tour.items.flatMap((item) => item.checks.map((check) => ({ item, check })));
    expect(checks.length).toBeGreaterThanOrEqual(tour.items.length);
    const pending = new Map(checks.map((c, i) => [i, c]));
    const last = new Map<number, string>();
    await waitFor(
      'every promise of the tour',
      async () => {
        for (const [i, { check }] of pending) {
          const failed = await failedCheck(url, tour, check).catch((err: unknown) => String(err));
          if (failed === null) pending.delete(i);
          else last.set(i, failed);
        }
        return pending.size === 0 ? true : undefined;
      },
      Math.max(0, deadline - Date.now()),
    ).catch(() => undefined);
    const broken = [...pending].map(
      ([i, { item, check }]) => `${item.page} "${item.text}" ${JSON.stringify(check)}: ${last.get(i)}`,
    );
    expect(broken).toEqual([]);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);

    // What a newcomer sees through the tour's links: the findings page lists the planted port
    // scan, the overview draws its charts.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(tourLink(url, tour, '/findings'));
      await page.waitForSelector(`text=${SCANNER_IP}`, { timeout: 60_000 });
      await page.screenshot({ path: screenshotPath('demo-findings'), fullPage: true });
      await page.goto(tourLink(url, tour, '/'));
      await page.waitForSelector('main .card');
      await page.waitForFunction(() => document.querySelectorAll('.slot.loading').length === 0, undefined, {
        timeout: 60_000,
      });
      expect(await page.locator('.chart canvas').count()).toBeGreaterThan(0);
      await page.screenshot({ path: screenshotPath('demo-overview'), fullPage: true });
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }

    const tree = descendants(demo.pid!);
    expect(tree.length).toBeGreaterThan(0); // Azurite runs as a child
    const exited = new Promise<number | null>((resolve) => demo!.once('exit', (code) => resolve(code)));
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    // Helpers such as tsx's esbuild service notice their parent's exit on their own schedule:
    // wait (bounded) for them instead of sampling once after a fixed delay.
    const survivors = await waitFor(
      'no process of the demo to survive it',
      async () => (tree.some(alive) ? undefined : []),
      15_000,
    ).catch(() => tree.filter(alive));
    expect(survivors).toEqual([]);
  }, 900_000);
});
