import type { Db } from '../../../core/clickhouse/client.js';
import { errorMessage, PermanentError } from '../../../core/errors.js';
import { type FlowColumns, rowAt } from '../../../core/flow/batch.js';
import { excerpt, type Reject } from '../../../core/flow/reject.js';
import { type Logger, silentLogger } from '../../../core/logging.js';
import type { Metrics } from '../../../core/metrics.js';
import { DEFAULT_RETRY, type RetryOptions, retry } from '../../../core/retry.js';
import { clickHouseLedger } from '../../batching/ledger.js';
import { type CoalesceLimits, DEFAULT_COALESCE } from '../../batching/plan.js';
import type { BatchingSupport } from '../../batching/types.js';
import type { FlowSink, SourcePosition, WriteResult } from '../../contracts.js';
import { discard, StagedAhead } from './ahead.js';
import { storedMembers, writeMembers } from './batch-write.js';
import { type BlockWriter, chdbFileWriter, serverInputWriter } from './block-writer.js';
import { classifyInsertError } from './classify.js';
import { type BlockScope, blockScope, countInScope, countRejects } from './committed.js';
import { flowBlock } from './flow-block.js';
import { insertRejects, rejectRows } from './rejects.js';
import { defaultStagingRoot, StagingArea } from './staging.js';

/** Default max rows per insert (config `ingest.batchRows`): see docs/ingest.md "Performance". */
export const DEFAULT_BATCH_ROWS = 500_000;

export interface ClickHouseSinkOptions {
  db: Db;
  metrics?: Metrics;
  logger?: Logger;
  /** Rows per insert (config `ingest.batchRows`); bigger bodies are split deterministically. */
  batchRows?: number;
  /** Staging directory for the embedded path (config `ingest.stagingDir`); tmpfs by default. */
  stagingDir?: string;
  retry?: Partial<RetryOptions>;
  /** Aborting stops retry back-off waits (a pending insert still completes or fails). */
  signal?: AbortSignal;
  /** Replaces the Native block writer (tests inject failures here). */
  writer?: BlockWriter;
  /**
   * Prefix of every deduplication token. `ingest --force` sets a new one per run, so the same bytes
   * are stored again exactly once more (replays inside that run still deduplicate).
   */
  tokenNamespace?: string;
  /**
   * Coalesced inserts of many ranges (config `ingest.coalesce`, docs/ingest.md "Batching"): on by
   * default; `false` writes every range on its own.
   */
  coalesce?: Partial<CoalesceLimits> | false;
}

/**
 * The insert deduplication token of a source range: `<kind>:<key>:<start>-<end>`. A replay of the
 * same range carries the same token, so ClickHouse drops the repeated blocks (docs/architecture.md
 * "Exactly-once rows").
 * @see https://clickhouse.com/docs/operations/settings/settings#insert_deduplication_token
 */
export function positionToken(p: SourcePosition, namespace?: string): string {
  const token = `${p.kind}:${p.key}:${p.start}-${p.end}`;
  return namespace ? `${namespace}|${token}` : token;
}

/** Row ranges of at most `batchRows` rows, the same for the same body and setting. */
export function splitRanges(length: number, batchRows: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = 0; from < length; from += batchRows) out.push([from, Math.min(length, from + batchRows)]);
  return out;
}

/**
 * A {@link FlowSink} into ClickHouse `flows` (rollups follow through materialized views) and
 * `rejects`. Rows go as Native blocks (embedded: staged file + `file()`, server: `input()` over HTTP),
 * each with a token derived from the source position. Transient failures are retried with backoff;
 * a permanent failure turns the block's rows into one `sink-permanent` reject, so nothing is lost
 * silently and the pipeline carries on.
 */
export function createClickHouseSink(options: ClickHouseSinkOptions): FlowSink {
  const { db } = options;
  const logger = options.logger ?? silentLogger();
  const batchRows = options.batchRows ?? DEFAULT_BATCH_ROWS;
  const staging = new StagingArea(defaultStagingRoot(options.stagingDir));
  const writer =
    options.writer ??
    (db.target.kind === 'embedded' ? chdbFileWriter(db.client, staging) : serverInputWriter(db.client));
  const ahead = new StagedAhead(writer);
  const retryOptions: RetryOptions = {
    ...DEFAULT_RETRY,
    ...options.retry,
    ...(options.signal ? { signal: options.signal } : {}),
    onRetry: (err, attempt, delayMs) =>
      logger.warn({ err: errorMessage(err), attempt, delayMs }, 'insert failed, retrying'),
  };
  const attempt = <T>(table: string, fn: () => Promise<T>) =>
    retry(() => timed(options.metrics, table, fn), retryOptions);
  // The committed-row counts are part of writing a block: their failures are classified and counted
  // like the insert's (an outage usually hits the count first), but they are not timed as inserts.
  const countRows = (scope: BlockScope) =>
    retry(() => classified(options.metrics, 'flows', () => countInScope(db.client, scope)), retryOptions);

  /** Inserts rows `[from, to)` and returns how many were committed (0 when the token repeated). */
  async function insertBlock(
    cols: FlowColumns,
    from: number,
    to: number,
    position: SourcePosition,
    token: string,
  ) {
    const label = sourceLabel(position);
    const scope = blockScope(cols, from, to, label);
    // Staged ahead, or still being staged while the count runs; a retry stages afresh.
    let staged = ahead.take(cols, from, to);
    try {
      const before = await countRows(scope);
      await attempt('flows', () => {
        const pre = staged;
        staged = undefined;
        return pre
          ? pre.then((b) => b.insert(token))
          : writer.insert(flowBlock(cols, from, to, label), token);
      });
      const after = await countRows(scope);
      return Math.max(0, Math.min(to - from, after - before));
    } finally {
      await discard(staged);
    }
  }

  async function writeRows(
    cols: FlowColumns,
    position: SourcePosition,
  ): Promise<Required<Omit<WriteResult, 'duplicateRejects'>>> {
    const token = positionToken(position, options.tokenNamespace);
    const result = { rows: 0, rejects: 0, duplicates: 0 };
    for (const [from, to] of splitRanges(cols.length, batchRows)) {
      const subToken = `${token}|${from}-${to}`;
      try {
        const stored = await insertBlock(cols, from, to, position, subToken);
        result.rows += stored;
        result.duplicates += to - from - stored;
      } catch (err) {
        if (!(err instanceof PermanentError)) throw err;
        logger.error(
          { err: err.message, token: subToken, rows: to - from },
          'insert refused; rows dead-lettered',
        );
        const reject = permanentReject(cols, from, to, err);
        await attempt('rejects', () =>
          insertRejects(db.client, rejectRows([reject], position), `${subToken}|sink-permanent`),
        );
        result.rejects += 1;
        options.metrics?.rejectsTotal.inc({ source: position.kind, reason: 'sink-permanent' });
      }
    }
    return result;
  }

  /** Inserts the normalizer's rejects; returns how many were stored (a replayed range's are not). */
  async function writeRejects(rejects: Reject[], position: SourcePosition): Promise<number> {
    if (rejects.length === 0) return 0;
    const offsets = rejects.map((r) => r.offset);
    const counted = () =>
      retry(
        () =>
          classified(options.metrics, 'rejects', () =>
            countRejects(db.client, position.kind, position.key, offsets),
          ),
        retryOptions,
      );
    const before = await counted();
    await attempt('rejects', () =>
      insertRejects(
        db.client,
        rejectRows(rejects, position),
        `${positionToken(position, options.tokenNamespace)}|rejects`,
      ),
    );
    const stored = Math.max(0, Math.min(rejects.length, (await counted()) - before));
    // A replayed range's rejects are deduplicated whole: count them only when they were stored.
    if (stored > 0) {
      for (const r of rejects) options.metrics?.rejectsTotal.inc({ source: position.kind, reason: r.reason });
    }
    return stored;
  }

  const sink: FlowSink = {
    async write(columns, rejects, position) {
      const result = await writeRows(columns, position);
      const storedRejects = await writeRejects(rejects, position);
      options.metrics?.rowsTotal.inc({ source: position.kind }, result.rows);
      options.metrics?.duplicateRowsTotal.inc({ source: position.kind }, result.duplicates);
      return {
        rows: result.rows,
        rejects: result.rejects + storedRejects,
        duplicates: result.duplicates,
        duplicateRejects: rejects.length - storedRejects,
      };
    },
    async close() {
      await ahead.discardAll();
      await staging.close();
    },
  };
  const insertMany = writer.insertMany?.bind(writer);
  if (options.coalesce === false || !insertMany) return sink;
  const limits = { ...DEFAULT_COALESCE, ...options.coalesce };
  const deps = {
    client: db.client,
    writer: { insert: writer.insert.bind(writer), insertMany },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    attempt: <T>(table: string, fn: () => Promise<T>, isInsert: boolean) =>
      isInsert ? attempt(table, fn) : retry(() => classified(options.metrics, table, fn), retryOptions),
    single: sink.write,
    label: (m: { position: SourcePosition }) => sourceLabel(m.position),
  };
  const ledger = clickHouseLedger(db.client);
  const batching: BatchingSupport = {
    limits,
    ledger: {
      // Part of writing rows, like the committed counts: failures count under table="flows".
      record: (id, members) => deps.attempt('flows', () => ledger.record(id, members), false),
      lookup: (members) => deps.attempt('flows', () => ledger.lookup(members), false),
      markWritten: (id) => deps.attempt('flows', () => ledger.markWritten(id), false),
    },
    memberToken: (p) => positionToken(p, options.tokenNamespace),
    prepare: (m) => {
      const to = Math.min(m.columns.length, batchRows);
      ahead.stage(m.columns, to, () => flowBlock(m.columns, 0, to, sourceLabel(m.position)));
    },
    writeBatch: (members, batchId) => writeMembers(deps, members, batchId),
    storedAlready: (members, recordedMs) => storedMembers(deps, members, recordedMs),
  };
  return { ...sink, batching };
}

/** `flows.source`: where the rows came from, `<kind>:<key>` (record_offset is relative to it). */
export function sourceLabel(position: SourcePosition): string {
  return `${position.kind}:${position.key}`;
}

async function timed<T>(metrics: Metrics | undefined, table: string, fn: () => Promise<T>): Promise<T> {
  const stop = metrics?.insertSeconds.startTimer({ table });
  try {
    return await classified(metrics, table, fn);
  } finally {
    stop?.();
  }
}

/** Runs `fn`; a failure is classified (transient or permanent) and counted in insert_errors_total. */
async function classified<T>(metrics: Metrics | undefined, table: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const error = classifyInsertError(err);
    metrics?.insertErrorsTotal.inc({
      table,
      kind: error instanceof PermanentError ? 'permanent' : 'transient',
    });
    throw error;
  }
}

/** The rows of a refused block as one dead-letter entry: count, error and the first rows as an excerpt. */
function permanentReject(cols: FlowColumns, from: number, to: number, err: Error): Reject {
  const sample = [];
  for (let i = from; i < Math.min(to, from + 3); i++) sample.push(rowAt(cols, i));
  return {
    reason: 'sink-permanent',
    detail: `${to - from} rows refused: ${err.message}`.slice(0, 2000),
    offset: to > from ? cols.recordOffset[from]! : -1,
    recordIndex: -1,
    tupleIndex: -1,
    excerpt: excerpt(JSON.stringify(sample)),
  };
}
