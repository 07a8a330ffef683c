import { FlowBatchBuilder } from '../../core/flow/builder.js';
import { excerpt } from '../../core/flow/reject.js';
import type { NormalizeResult } from '../contracts.js';

/**
 * What a body becomes when its normalizer failed anyway (threw, or its worker thread died): no rows,
 * one `unknown-shape` reject for the whole body, so the run goes on and the body is findable.
 */
export function normalizerFailure(body: Buffer, offset: number, message: string): NormalizeResult {
  return {
    columns: new FlowBatchBuilder(16).finish(),
    records: 0,
    rejects: [
      {
        reason: 'unknown-shape',
        detail: `normalizer failed: ${message}`,
        offset,
        recordIndex: -1,
        tupleIndex: -1,
        excerpt: excerpt(body.subarray(0, 600).toString('utf8')),
      },
    ],
  };
}
