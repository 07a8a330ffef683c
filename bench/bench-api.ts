import { createApi } from '../api/app.js';
import type { Db } from '../core/clickhouse/client.js';
import { parseConfig } from '../core/config/load.js';
import { silentLogger } from '../core/logging.js';
import { createMetrics } from '../core/metrics.js';

/** The API as benches call it: in-process, no rate limit, its clock pinned to the data's end. */
export function benchApi(db: Db, end: Date) {
  return createApi({
    db,
    config: parseConfig({ api: { rateLimitPerMinute: 1_000_000 } }),
    logger: silentLogger(),
    metrics: createMetrics(),
    now: () => end,
  });
}
