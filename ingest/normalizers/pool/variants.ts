import type { Normalizer } from '../../contracts.js';
import { withBlobRange } from '../../sources/blob/normalize.js';
import { withKafkaFrames } from '../../sources/kafka/frame-normalizer.js';
import { normalize } from '../normalize.js';

/**
 * The normalizers a source may ask for, by name: a worker thread cannot receive a function, so
 * the pipeline names the variant and the worker looks it up here (the same functions run in-thread).
 */
export const NORMALIZER_VARIANTS = {
  plain: normalize,
  'blob-range': withBlobRange(normalize),
  'kafka-frames': withKafkaFrames(normalize),
} satisfies Record<string, Normalizer>;

export type NormalizerVariant = keyof typeof NORMALIZER_VARIANTS;
