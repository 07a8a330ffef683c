// Debian Chromium for the dashboard browser tests (playwright-core drives it; `npx playwright
// install` cannot download here). Installed only when /usr/bin/chromium is missing; also builds
// the dashboards bundle (dashboards/dist is not committed) so the e2e server has a UI to serve.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function ensure() {
  if (!existsSync('/usr/bin/chromium')) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0 || !existsSync('/usr/bin/chromium'))
      throw new Error('apt-get install chromium failed');
  }
  const { buildDashboards } = await import(join(root, 'dashboards', 'build.mjs'));
  await buildDashboards();
}
