#!/usr/bin/env node
// Bundles the dashboards (TypeScript + ECharts) into dashboards/dist with esbuild: one script, one
// stylesheet, one page, no CDN, so the UI works air-gapped. The API builds this once at start when
// dist is missing (fresh clone); `npm run build:dashboards` rebuilds it.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');

export async function buildDashboards({ minify = true } = {}) {
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(here, 'src/main.ts'), join(here, 'src/app.css')],
    bundle: true,
    outdir: out,
    entryNames: 'app',
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildDashboards();
  process.stdout.write(`dashboards built in ${out}\n`);
}
