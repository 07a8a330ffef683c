import type { FlowColumns } from '../../core/flow/batch.js';
import type { Reject } from '../../core/flow/reject.js';
import type { SourcePosition, WriteResult } from '../contracts.js';
import type { CoalesceLimits, RecordedBatch } from './plan.js';

/** One normalized range inside a coalesced insert. */
export interface SinkMember {
  columns: FlowColumns;
  rejects: Reject[];
  position: SourcePosition;
}

/** Where batch membership is recorded before a write (ClickHouse: migration 0600). */
export interface BatchLedger {
  /** Durable before it resolves. */
  record(batchId: string, members: readonly string[]): Promise<void>;
  /** Durable before it resolves: the batch's rows and rejects are stored. */
  markWritten(batchId: string): Promise<void>;
  /** Recorded batches that contain any of `members`. */
  lookup(members: readonly string[]): Promise<RecordedBatch[]>;
}

/** What a sink offers for coalesced inserts; the pipeline coalesces only when the sink has it. */
export interface BatchingSupport {
  limits: CoalesceLimits;
  ledger: BatchLedger;
  /** The member's position token (with the sink's token namespace), as recorded in the ledger. */
  memberToken(position: SourcePosition): string;
  /**
   * A hint that `member` will be written alone once the write in flight is done: the sink may
   * prepare its insert now (the ClickHouse sink stages its first block). Optional; no I/O order
   * or token may depend on it.
   */
  prepare?(member: SinkMember): void;
  /** Stores every member in one insert under `batchId`; one result per member, in order. */
  writeBatch(members: readonly SinkMember[], batchId: string): Promise<WriteResult[]>;
  /**
   * Per member, whether its rows and its rejects are already stored by the batch recorded at
   * `recordedMs` (false when unknown). Asked before a batch that cannot be re-formed is written
   * anew. Optional: without it such members are written again.
   */
  storedAlready?(
    members: readonly SinkMember[],
    recordedMs: number,
  ): Promise<readonly { rows: boolean; rejects: boolean }[]>;
}
