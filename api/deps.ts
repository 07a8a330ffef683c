import type { Db } from '../core/clickhouse/client.js';
import type { Config } from '../core/config/schema.js';
import type { Logger } from '../core/logging.js';
import type { Metrics } from '../core/metrics.js';
import type { AuditLog } from './audit/log.js';
import type { KeyStore } from './auth/keys.js';
import type { AuthMode } from './auth/mode.js';
import type { RuleReportProvider } from './routes/rules/provider.js';

/** Everything the API needs, passed in by the composition root (cli/) or a test. */
export interface ApiDeps {
  db: Db;
  metrics: Metrics;
  config: Config;
  logger: Logger;
  /** Clock for relative time ranges (`now-24h`); tests pin it. */
  now?: () => Date;
  /** Rule recommendations and reports (analyze/rules); routes answer 501 when absent. */
  rules?: RuleReportProvider;
  /** Built dashboards (dashboards/dist); the UI routes are skipped when absent. */
  dashboardsDir?: string;
  /** Decided by startApi before listening; an in-process app decides on its first request. */
  authMode?: AuthMode;
  keys?: KeyStore;
  /** Built once by startApi (its start record and every request share it). */
  audit?: AuditLog;
}
