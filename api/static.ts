import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Context } from 'hono';
import type { ApiApp } from './env.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Dashboard pages: each path serves the single-page app, which reads its state from the URL. */
export const PAGES = [
  '/',
  '/exposure',
  '/egress',
  '/geography',
  '/findings',
  '/rules',
  '/segmentation',
  '/flows',
  '/ingest',
];

/** Serves one file from `dir` by bare name (no sub-paths, so no traversal), or 404. */
async function sendFile(c: Context, dir: string, name: string, cache: string): Promise<Response> {
  const file = basename(name);
  const ext = file.slice(file.lastIndexOf('.'));
  const type = TYPES[ext];
  if (!type || file !== name) return c.notFound();
  try {
    const body = await readFile(join(dir, file));
    return c.body(body, 200, { 'Content-Type': type, 'Cache-Control': cache });
  } catch {
    return c.notFound();
  }
}

/** The bundled dashboards (dashboards/dist): pages and `/assets/<file>`. */
export function registerDashboards(app: ApiApp, dir: string): void {
  for (const page of PAGES) app.get(page, (c) => sendFile(c, dir, 'index.html', 'no-cache'));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/assets/:file', (c) => sendFile(c, dir, c.req.param('file'), 'no-cache'));
}

/** Swagger UI from the installed `swagger-ui-dist` (no CDN), pointed at /api/openapi.json. */
export function registerApiDocs(app: ApiApp): void {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  app.get('/api/docs', (c) =>
    c.html(
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>flowlens API</title>' +
        '<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head><body><div id="swagger"></div>' +
        '<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>',
    ),
  );
  app.get('/api/docs/init.js', (c) =>
    c.body(
      "window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger', deepLinking: true });\n",
      200,
      { 'Content-Type': 'text/javascript; charset=utf-8' },
    ),
  );
  app.get('/api/docs/:file', (c) => sendFile(c, dir, c.req.param('file'), 'public, max-age=86400'));
}
