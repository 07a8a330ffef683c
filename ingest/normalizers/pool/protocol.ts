import type { NormalizeMeta, NormalizeResult } from '../../contracts.js';
import type { NormalizerVariant } from './variants.js';

/** Main thread → worker: one body to normalize. `body` is a private copy, transferred. */
export interface TaskMessage {
  id: number;
  variant: NormalizerVariant;
  body: Uint8Array;
  meta: NormalizeMeta;
}

/** Worker → main thread: the result (column buffers transferred) or what the normalizer threw. */
export type ReplyMessage =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: NormalizeResult }
  | { type: 'threw'; id: number; message: string };

/** What the worker is started with: the module whose `NORMALIZER_VARIANTS` it runs. */
export interface WorkerSetup {
  variantsModule: string;
}
