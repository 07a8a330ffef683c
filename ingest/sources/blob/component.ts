import { normalize } from '../../normalizers/index.js';
import { defineSource } from '../component.js';
import { BlobSourceConfigSchema } from './config.js';
import { createBlobSource, resolveBlobAuth } from './factory.js';
import { withBlobRange } from './normalize.js';

/** `type: blob`: tails flow-log blobs in Azure Storage (docs/ingest-blob.md). */
export const blobSource = defineSource({
  kind: 'blob',
  config: BlobSourceConfigSchema,
  create: (cfg, deps) => ({
    source: createBlobSource(cfg, {
      auth: resolveBlobAuth(cfg.auth, deps.env),
      db: deps.db.client,
      metrics: deps.metrics,
      logger: deps.logger,
      ...(deps.now ? { now: deps.now } : {}),
    }),
    normalize: withBlobRange(normalize),
  }),
  lagKey: blobLagKey,
});

/**
 * Lag per flow log: the position key without its hour path (`<account>/<container>/<root>`, one NSG or
 * VNet flow log), so the gauge has one series per flow log, not one per blob-hour.
 */
export function blobLagKey(position: { key: string }): string {
  const at = position.key.search(/\/y=\d{4}\//);
  return at < 0 ? position.key : position.key.slice(0, at + 1);
}
