import { normalize } from '../../normalizers/index.js';
import { defineSource } from '../component.js';
import { FileSourceConfigSchema } from './config.js';
import { clickHouseFilePositions } from './positions.js';
import { createFileSource } from './source.js';

/** `type: file`: a replay of local files or directories (finite: `flowlens run` does not restart it). */
export const fileSource = defineSource({
  kind: 'file',
  config: FileSourceConfigSchema,
  finite: true,
  create: (cfg, deps) => ({
    source: createFileSource({
      paths: cfg.paths,
      positions: clickHouseFilePositions(deps.db.client),
      logger: deps.logger,
    }),
    normalize,
  }),
});
