import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium, screenshotPath } from '../harness/browser.js';
import { REPO_ROOT } from '../harness/cli.js';

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

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

describe('flowlens demo (what npm start runs)', () => {
  let demo: ChildProcess | undefined;
  let output = '';
  afterAll(() => {
    if (demo?.pid && alive(demo.pid)) demo.kill('SIGKILL');
  });

  it('serves findings from simulated blobs within minutes and shuts down without leftovers', async () => {
    demo = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'cli', 'main.ts'),
        'demo',
        '--ephemeral',
        '--port',
        '0',
        '--backfill-hours',
        '6',
      ],
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
      120_000,
    );

    const categories = await waitFor(
      'findings from the planted incidents',
      async () => {
        const res = await fetch(`${url}/api/findings?from=now-2d&limit=100`);
        const body = (await res.json()) as { items: { category: string }[] };
        const found = new Set(body.items.map((i) => i.category));
        return ['port-scan', 'exposed-management-port', 'brute-force'].every((c) => found.has(c))
          ? found
          : undefined;
      },
      360_000,
    );
    expect(categories.has('port-scan')).toBe(true);

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);

    // What a newcomer sees: the findings page lists the planted port scan.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(`${url}/findings?from=now-2d`);
      await page.waitForSelector('text=198.51.100.77', { timeout: 60_000 });
      await page.screenshot({ path: screenshotPath('demo-findings'), fullPage: true });
      await page.goto(`${url}/`);
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
  }, 600_000);
});
