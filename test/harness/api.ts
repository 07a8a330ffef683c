import { createApi } from '../../api/app.js';
import type { ApiDeps } from '../../api/deps.js';
import type { ApiApp } from '../../api/env.js';
import type { Db } from '../../core/clickhouse/client.js';
import { parseConfig } from '../../core/config/load.js';
import type { ConfigInput } from '../../core/config/schema.js';
import { createLogger, silentLogger } from '../../core/logging.js';
import { createMetrics } from '../../core/metrics.js';
import { SCENARIO_NOW } from './api-scenario.js';

export interface TestApi {
  app: ApiApp;
  deps: ApiDeps;
  /** A request against the in-process app (no socket). */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  send(method: string, path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
}

/** The API over a test database with the clock pinned to the scenario's "now". */
export function testApi(db: Db, config: ConfigInput = {}, extra: Partial<ApiDeps> = {}): TestApi {
  const deps: ApiDeps = {
    db,
    config: parseConfig(config),
    logger: process.env.API_TEST_LOG ? createLogger('debug') : silentLogger(),
    metrics: createMetrics(),
    now: () => SCENARIO_NOW,
    ...extra,
  };
  const app = createApi(deps);
  return {
    app,
    deps,
    get: async (path, headers = {}) => app.request(path, { headers }),
    send: async (method, path, body, headers = {}) =>
      app.request(path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}
