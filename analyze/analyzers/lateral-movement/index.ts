import { defineAnalyzer } from '../../analyzer.js';
import { LateralMovementConfigSchema } from './config.js';
import { detectLateralMovement, LATERAL_MOVEMENT_CATEGORY } from './detect.js';
import { lateralMovementQuery } from './query.js';

/** A management-protocol connection between internal hosts that never used it in the look-back. */
export const lateralMovement = defineAnalyzer({
  id: LATERAL_MOVEMENT_CATEGORY,
  title: 'Lateral movement',
  category: LATERAL_MOVEMENT_CATEGORY,
  config: LateralMovementConfigSchema,
  query: (config, window) => lateralMovementQuery(config, window),
  detect: (rows, config, window) => detectLateralMovement(rows, config, window),
});
