import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { systemClock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { createApi } from './app.js';
import { AuditLog } from './audit/log.js';
import { KeyStore } from './auth/keys.js';
import { AuthMode } from './auth/mode.js';
import type { ApiDeps } from './deps.js';
import { isLoopback } from './loopback.js';

export interface RunningApi {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Idempotent; resolves when the listener is closed. */
  stop(): Promise<void>;
}

export interface StartOptions {
  host?: string;
  port?: number;
}

/**
 * Serves the API and dashboards until `signal` aborts. Refuses to listen on a non-loopback address
 * when no credentials exist (no keys in config or table, no OIDC), unless the config explicitly
 * allows it: the data is security-sensitive.
 * @see https://github.com/honojs/node-server
 */
export async function startApi(
  deps: ApiDeps,
  signal: AbortSignal,
  opts: StartOptions = {},
): Promise<RunningApi> {
  const host = opts.host ?? deps.config.api.host;
  const port = opts.port ?? deps.config.api.port;
  const keys = new KeyStore(deps.db, deps.config.api);
  // The auth mode is decided here, once; it only ever strengthens afterwards (auth/mode.ts).
  const authMode = new AuthMode(keys);
  const credentialed = await authMode.requiresCredentials();
  if (!isLoopback(host) && !deps.config.api.auth.allowUnauthenticatedNonLoopback && !credentialed) {
    throw new ConfigError([
      `api: refusing to serve on ${host} without credentials; add api.auth.keys, api.auth.oidc or ` +
        '`flowlens api-key create`, or bind 127.0.0.1',
    ]);
  }
  // One audit trail for the start record and every request of this server.
  const audit = deps.audit ?? new AuditLog(deps.db, deps.logger, deps.now ?? systemClock);
  await recordConfigLoad(deps, audit, { host, port, credentialed });
  const dashboardsDir = deps.dashboardsDir ?? ensureDashboards(deps);
  const app = createApi({ ...deps, keys, authMode, audit, ...(dashboardsDir ? { dashboardsDir } : {}) });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    // Header room for the longest valid request line: a 16,000-character filter of multi-byte
    // characters, percent-encoded, is ~192 KB (Node's default of 16 KB reset such connections).
    const serverOptions = { maxHeaderSize: 256 * 1024 };
    const s = serve({ fetch: app.fetch, hostname: host, port, serverOptions }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  deps.logger.info({ url, dashboards: Boolean(dashboardsDir), credentialed }, 'api listening');
  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Keep-alive sockets would hold close() open; they carry no work worth waiting for.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
    return stopping;
  };
  if (signal.aborted) await stop();
  else signal.addEventListener('abort', () => void stop(), { once: true });
  return { url, stop };
}

/** The audit trail notes each start with the configuration it serves (there is no hot reload). */
async function recordConfigLoad(
  deps: ApiDeps,
  audit: AuditLog,
  detail: Record<string, unknown>,
): Promise<void> {
  try {
    await audit.record({ id: 'process', kind: 'system' }, 'config.load', 'api', detail);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message }, 'audit: config load not recorded');
  }
}

/**
 * Finds the built dashboards, building them once with esbuild when a fresh clone has none
 * (dashboards/dist is not committed). Returns undefined when the sources are absent too.
 */
export function ensureDashboards(deps: Pick<ApiDeps, 'logger'>): string | undefined {
  const roots = ['../dashboards', '../../dashboards'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const built = roots.find((r) => existsSync(`${r}/dist/index.html`));
  if (built) return `${built}/dist`;
  const source = roots.find((r) => existsSync(`${r}/build.mjs`));
  if (!source) return undefined;
  deps.logger.info('building dashboards (first start)');
  const r = spawnSync(process.execPath, [`${source}/build.mjs`], { stdio: 'inherit' });
  return r.status === 0 && existsSync(`${source}/dist/index.html`) ? `${source}/dist` : undefined;
}
