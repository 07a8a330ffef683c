import type { FlowColumns } from '../../../core/flow/batch.js';
import type { BlockWriter, StagedBlock } from './block-writer.js';
import type { FlowBlock } from './flow-block.js';

/**
 * Blocks staged before their insert's turn: a large range handed to the coalescer waits for the
 * insert in flight, and staging it meanwhile (encode + tmpfs write, ≈ 45 ms of the main thread and
 * the file system per 250 k rows) takes that time out of the engine's idle gap between two inserts.
 * Only a file is written early: the committed-row count before the insert and the insert itself
 * still run in order at the range's turn, under the same token, so exactly-once is unchanged.
 * At most one per range waiting behind the write in flight (the pipeline's backpressure).
 */
export class StagedAhead {
  readonly #staged = new Map<FlowColumns, { to: number; block: Promise<StagedBlock> }>();

  constructor(private readonly writer: BlockWriter) {}

  /** Stages rows `[0, to)` of `cols` now; nothing when the writer cannot stage (server, tests). */
  stage(cols: FlowColumns, to: number, build: () => FlowBlock): void {
    if (!this.writer.stage || to <= 0 || this.#staged.has(cols)) return;
    const block = this.writer.stage(build());
    // A failed staging surfaces in the insert that takes it (classified and retried like any insert).
    block.catch(() => undefined);
    this.#staged.set(cols, { to, block });
  }

  /** The block staged for rows `[from, to)` of `cols`, handed out once; undefined if none. */
  take(cols: FlowColumns, from: number, to: number): Promise<StagedBlock> | undefined {
    const staged = this.#staged.get(cols);
    if (!staged || from !== 0 || staged.to !== to) return undefined;
    this.#staged.delete(cols);
    return staged.block;
  }

  /** Removes the files of blocks never inserted (a run that stopped before their turn). */
  async discardAll(): Promise<void> {
    const all = [...this.#staged.values()];
    this.#staged.clear();
    await Promise.all(all.map((s) => discard(s.block)));
  }
}

/** Removes a staged block's file; never throws. */
export async function discard(block: Promise<StagedBlock> | undefined): Promise<void> {
  await block?.then(
    (b) => b.discard(),
    () => undefined,
  );
}
