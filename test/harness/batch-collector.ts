import type { Source, SourceBatch } from '../../ingest/contracts.js';

/**
 * Consumes a Source in the background the way a pipeline would (ack after "writing"), and keeps
 * every batch for assertions. For source-level tests; end-to-end tests use the real pipeline.
 */
export class BatchCollector {
  readonly batches: SourceBatch[] = [];
  readonly #ac = new AbortController();
  #done: Promise<void>;

  constructor(source: Source) {
    this.#done = (async () => {
      for await (const b of source.batches(this.#ac.signal)) {
        this.batches.push(b);
        await b.ack();
      }
    })();
  }

  async stop(source: Source): Promise<void> {
    this.#ac.abort();
    await source.stop(5_000);
    await this.#done;
  }
}

/** Polls `cond` until true (no fixed sleeps in assertions; a timeout only bounds a hang). */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Tuples in a block-range body (`{rec},{rec}` after the leading comma was stripped). */
export function countTuples(body: Buffer): number {
  let records: unknown[];
  try {
    const text = body.toString('utf8');
    records = text.startsWith('{"records":')
      ? (JSON.parse(text) as { records: unknown[] }).records
      : JSON.parse(`[${text}]`);
  } catch {
    return 0;
  }
  let n = 0;
  for (const r of records as FlowRecordShape[]) {
    for (const f of r.properties?.flows ?? []) for (const g of f.flows ?? []) n += g.flowTuples?.length ?? 0;
    for (const f of r.flowRecords?.flows ?? [])
      for (const g of f.flowGroups ?? []) n += g.flowTuples?.length ?? 0;
  }
  return n;
}

interface TupleGroup {
  flowTuples?: string[];
}
interface FlowRecordShape {
  properties?: { flows?: Array<{ flows?: TupleGroup[] }> };
  flowRecords?: { flows?: Array<{ flowGroups?: TupleGroup[] }> };
}
