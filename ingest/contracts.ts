import type { FlowColumns } from '../core/flow/batch.js';
import type { Reject } from '../core/flow/reject.js';
import type { BatchingSupport } from './batching/types.js';

/**
 * Where a body came from. `key` names the stream (file path, blob name, `topic/partition`,
 * `hub/partition`); `start`/`end` delimit the body inside it (byte range, offset range). The pair
 * is also the insert deduplication token, so a replay of the same range adds no rows.
 */
export interface SourcePosition {
  /**
   * The source's kind as registered in ingest/sources/registry.ts (`file`, `blob`, `kafka`,
   * `event-hubs`, …); the registry's wrapper stops a run whose batches name another.
   */
  kind: string;
  key: string;
  start: number;
  end: number;
}

/** One unit of work from a source. `ack()` is called exactly once, after the rows are durable. */
export interface SourceBatch {
  body: Buffer;
  position: SourcePosition;
  /** Extra facts for the normalizer (e.g. a blob name that carries subscription/NSG/MAC). */
  meta?: NormalizeMeta;
  /**
   * When the newest data in `body` was written, epoch ms (blob last modification, Kafka message
   * timestamp, Event Hubs enqueue time, file mtime): `flowlens_source_lag_seconds` once it is acked.
   */
  dataTimeMs?: number;
  ack(): Promise<void>;
}

/**
 * A running source (docs/architecture.md "Source components"). Built inert by its component's
 * `create`; **start** is iterating `batches(signal)` (once per instance); **stop** ends it.
 */
export interface Source {
  readonly name: string;
  /** Start: yields batches until `signal` aborts, `stop()` is called or the source is exhausted (file replay). */
  batches(signal: AbortSignal): AsyncIterable<SourceBatch>;
  /** Safe twice and safe without start; flushes cursors of acked batches; resolves within `deadlineMs`. */
  stop(deadlineMs?: number): Promise<void>;
}

export interface NormalizeMeta {
  /** Source label stored on every row (`flows.source`) and reject. */
  source: string;
  /** Byte offset of `body` inside its source, added to record offsets so positions are absolute. */
  baseOffset?: number;
  /** Blob path, when known: fills subscription / NSG / MAC when records lack them. */
  blobName?: string;
}

export interface NormalizeResult {
  columns: FlowColumns;
  rejects: Reject[];
  /** Records seen (valid or not), for counters. */
  records: number;
}

/**
 * Pure: no I/O, no clock, never throws on bad input. Accepts every shape in docs/reference/flow-logs.md's parser
 * checklist (whole blob, a block range with a leading comma, NDJSON, one record, connector records).
 */
export type Normalizer = (body: Buffer, meta: NormalizeMeta) => NormalizeResult;

/** Durable write of one normalized body. Resolves only when every row is stored. */
export interface FlowSink {
  write(columns: FlowColumns, rejects: Reject[], position: SourcePosition): Promise<WriteResult>;
  close(): Promise<void>;
  /** Present when the sink can store many ranges in one insert: the pipeline then coalesces (docs/ingest.md "Batching"). */
  batching?: BatchingSupport;
}

export interface WriteResult {
  /** Rows committed by this write (not rows sent: a repeated range is deduplicated away). */
  rows: number;
  rejects: number;
  /** Rows not stored because the same range was stored before (its deduplication token repeated). */
  duplicates?: number;
  /** Rejects not stored again for the same reason (`rejects` counts only those stored by this write). */
  duplicateRejects?: number;
}
