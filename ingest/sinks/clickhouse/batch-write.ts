import type { ClickHouseClient } from '@clickhouse/client';
import { PermanentError } from '../../../core/errors.js';
import type { Metrics } from '../../../core/metrics.js';
import { attribute } from '../../batching/plan.js';
import type { SinkMember } from '../../batching/types.js';
import type { FlowSink, WriteResult } from '../../contracts.js';
import type { BlockWriter } from './block-writer.js';
import {
  blockScope,
  countBySource,
  countInScope,
  countRejects,
  countRejectsBySource,
  mergeScopes,
} from './committed.js';
import { membersBlock } from './flow-block.js';
import { insertRejects, rejectRows } from './rejects.js';

export interface BatchWriteDeps {
  client: ClickHouseClient;
  writer: Required<Pick<BlockWriter, 'insert' | 'insertMany'>>;
  metrics?: Metrics;
  /** Runs `fn` with the sink's retry policy; inserts are timed under `table`. */
  attempt<T>(table: string, fn: () => Promise<T>, timed: boolean): Promise<T>;
  /** The single-range write, used when the database refuses the coalesced block for good. */
  single: FlowSink['write'];
  label(member: SinkMember): string;
}

/**
 * Stores many members in one `flows` insert and one `rejects` insert under the batch's token, and
 * reports per member what was committed. The committed counts are one grouped query before and one
 * after for the whole batch (not two per member): the difference per source label is split across
 * the members carrying it.
 */
export async function writeMembers(
  deps: BatchWriteDeps,
  members: readonly SinkMember[],
  token: string,
): Promise<WriteResult[]> {
  const labels = members.map((m) => deps.label(m));
  const scope = mergeScopes(members.map((m, i) => blockScope(m.columns, 0, m.columns.length, labels[i]!)));
  const counted = () => deps.attempt('flows', () => countBySource(deps.client, scope), false);
  const before = await counted();
  try {
    const parts = members.flatMap((m, i) =>
      m.columns.length > 0 ? [{ columns: m.columns, label: labels[i]! }] : [],
    );
    const block = parts.length ? membersBlock(parts) : undefined;
    if (block) await deps.attempt('flows', () => deps.writer.insertMany([block], token), true);
  } catch (err) {
    if (!(err instanceof PermanentError)) throw err;
    // One member's bad rows must not dead-letter the others: each is written on its own, where a
    // refused block becomes one sink-permanent reject (deterministic: a replay takes the same path).
    const out: WriteResult[] = [];
    for (const m of members) out.push(await deps.single(m.columns, m.rejects, m.position));
    return out;
  }
  const after = await counted();
  const diff = new Map([...after].map(([s, n]) => [s, n - (before.get(s) ?? 0)]));
  const stored = attribute(
    members.map((m, i) => ({ label: labels[i]!, rows: m.columns.length })),
    diff,
  );
  const storedRejects = await writeRejects(deps, members, token);
  return members.map((m, i) => {
    const rows = stored[i]!;
    const duplicates = m.columns.length - rows;
    deps.metrics?.rowsTotal.inc({ source: m.position.kind }, rows);
    deps.metrics?.duplicateRowsTotal.inc({ source: m.position.kind }, duplicates);
    return {
      rows,
      rejects: storedRejects[i]!,
      duplicates,
      duplicateRejects: m.rejects.length - storedRejects[i]!,
    };
  });
}

/** All members' rejects in one insert (`<token>|rejects`), counted per source before and after. */
async function writeRejects(
  deps: BatchWriteDeps,
  members: readonly SinkMember[],
  token: string,
): Promise<number[]> {
  const withRejects = members.filter((m) => m.rejects.length > 0);
  if (!withRejects.length) return members.map(() => 0);
  const kind = withRejects[0]!.position.kind;
  const keys = [...new Set(withRejects.map((m) => m.position.key))];
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const m of withRejects)
    for (const r of m.rejects) {
      if (r.offset < from) from = r.offset;
      if (r.offset > to) to = r.offset;
    }
  const counted = () =>
    deps.attempt('rejects', () => countRejectsBySource(deps.client, kind, keys, { from, to }), false);
  const before = await counted();
  const rows = withRejects.flatMap((m) => rejectRows(m.rejects, m.position));
  await deps.attempt('rejects', () => insertRejects(deps.client, rows, `${token}|rejects`), true);
  const after = await counted();
  const diff = new Map([...after].map(([s, n]) => [s, n - (before.get(s) ?? 0)]));
  const stored = attribute(
    members.map((m) => ({ label: m.position.key, rows: m.position.kind === kind ? m.rejects.length : 0 })),
    diff,
  );
  members.forEach((m, i) => {
    if (stored[i]! > 0)
      for (const r of m.rejects)
        deps.metrics?.rejectsTotal.inc({ source: m.position.kind, reason: r.reason });
  });
  return stored;
}

/**
 * Sources whose positions are byte ranges of one object (a blob, a file): a member's rows carry
 * record offsets inside its own `[start, end)`. Not so for Kafka or Event Hubs, whose record offsets
 * count from a message offset and can fall inside a neighbour's range.
 */
const BYTE_RANGE_KINDS: ReadonlySet<string> = new Set(['blob', 'file']);

/** Whether a member's rows, and its rejects, are stored (each `true` when it has none). */
export interface StoredParts {
  rows: boolean;
  rejects: boolean;
}

/**
 * Per member: are its rows and its rejects already stored by the batch recorded at `sinceMs`?
 * Asked for the members of a recorded batch never marked written whose batch-mates did not come
 * back (their blobs went to another process after a crash): its insert may have landed before the
 * crash. Only rows and rejects stored since the batch was recorded count, so earlier copies of the
 * same bytes (a blob read whole again after it changed, a file that grew, `--force`) cannot pass for
 * it. Exact for byte-range sources; elsewhere "not stored" (written again).
 */
export async function storedMembers(
  deps: Pick<BatchWriteDeps, 'client' | 'attempt' | 'label'>,
  members: readonly SinkMember[],
  sinceMs: number,
): Promise<StoredParts[]> {
  const out: StoredParts[] = [];
  for (const m of members) {
    if (!BYTE_RANGE_KINDS.has(m.position.kind)) {
      out.push({ rows: false, rejects: false });
      continue;
    }
    const n = m.columns.length;
    const scope = blockScope(m.columns, 0, n, deps.label(m));
    const rows = n ? await deps.attempt('flows', () => countInScope(deps.client, scope, sinceMs), false) : 0;
    const offsets = m.rejects.map((r) => r.offset);
    const rejects = offsets.length
      ? await deps.attempt(
          'rejects',
          () => countRejects(deps.client, m.position.kind, m.position.key, offsets, sinceMs),
          false,
        )
      : 0;
    out.push({ rows: rows >= n, rejects: rejects >= m.rejects.length });
  }
  return out;
}
