import { FlowBatchBuilder } from '../../core/flow/builder.js';
import type { Logger } from '../../core/logging.js';
import type { FlowSink, NormalizeResult, SourceBatch, WriteResult } from '../contracts.js';
import { batchToken, claim, isFull, isSolo, missing, type RecordedBatch, wouldOverflow } from './plan.js';
import type { BatchingSupport } from './types.js';

/** A normalized source batch waiting for its insert. */
export interface Member {
  batch: SourceBatch;
  result: NormalizeResult;
  token: string;
  rows: number;
  bytes: number;
}

export interface CoalescerOptions {
  sink: FlowSink;
  support: BatchingSupport;
  logger: Logger;
  /** Called for every member once its rows are durable and it was acked, in write order. */
  onAcked(member: Member, written: WriteResult): void;
  /**
   * Called once, when a write fails for good: nothing more is written or acked, so the caller
   * must stop pulling now (a source waiting for acks would otherwise never hand out another range).
   */
  onFailure?(err: Error): void;
}

interface Recovering {
  batch: RecordedBatch;
  have: Map<string, Member>;
  /** Settles the members present once `recoveryWaitMs` has passed. */
  timer: NodeJS.Timeout;
  /** Re-reads the ledger meanwhile: the batch may be written by the consumer that still holds it. */
  recheck: NodeJS.Timeout;
  /** A re-read is queued or running: a slow database must not stack one per tick in the write chain. */
  checking: boolean;
}

/**
 * How often a waiting batch re-reads the ledger. A partition handed to another consumer (Event Hubs
 * load balancing, a Kafka rebalance) brings back members of a batch its old owner is still writing:
 * once that write is marked, the members here are duplicates, acked at once, not written again.
 */
const RECHECK_MS = 500;

/**
 * Gathers normalized ranges from many blobs, partitions or files into few inserts (docs/ingest.md
 * "Batching"). One write runs at a time; members keep arriving into the next buffer meanwhile.
 * Every multi-member batch is recorded in the ledger before its write; a member that the ledger
 * knows waits for its recorded batch-mates and is written in that same batch again, so a replay
 * carries the same deduplication token. Members are acked only after their batch is durable.
 */
export class Coalescer {
  readonly #o: CoalescerOptions;
  #buffer: Member[] = [];
  #rows = 0;
  #bytes = 0;
  #timer: NodeJS.Timeout | undefined;
  #idle: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  /** Jobs not finished yet, oldest (the one running) first. */
  readonly #jobs: Promise<void>[] = [];
  #queued = 0;
  #failure: Error | undefined;
  readonly #recovering = new Map<string, Recovering>();

  constructor(options: CoalescerOptions) {
    this.#o = options;
  }

  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Takes one member; flushes when a limit is reached (a flush runs after the write in flight). */
  submit(batch: SourceBatch, result: NormalizeResult): void {
    const token = this.#o.support.memberToken(batch.position);
    const member: Member = { batch, result, token, rows: result.columns.length, bytes: batch.body.length };
    const limits = this.#o.support.limits;
    if (isSolo(member, limits)) {
      this.#o.support.prepare?.({
        columns: result.columns,
        rejects: result.rejects,
        position: batch.position,
      });
      this.flush();
      this.#enqueue(() => this.#write(member.token, [member], false));
      return;
    }
    if (wouldOverflow({ rows: this.#rows, bytes: this.#bytes }, member, limits)) this.flush();
    this.#buffer.push(member);
    this.#rows += member.rows;
    this.#bytes += member.bytes;
    if (isFull({ rows: this.#rows, bytes: this.#bytes }, limits)) {
      this.flush();
      return;
    }
    this.#timer ??= setTimeout(() => this.flush(), limits.maxDelayMs).unref();
    this.#armIdle();
  }

  /**
   * Flushes when no range arrived for `idleMs` and no write is running. While a write runs the
   * buffer keeps filling (it could not be written sooner anyway), so a source that is merely slow
   * between ranges under load does not cut the batch into many tiny inserts.
   */
  #armIdle(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      this.#idle = undefined;
      if (this.#queued === 0) this.flush();
      else if (this.#buffer.length) this.#armIdle();
    }, this.#o.support.limits.idleMs).unref();
  }

  /** Resolves once at most one write is in flight besides the buffer (backpressure for the pull loop). */
  async ready(): Promise<void> {
    // The oldest job, not the chain's tail: waiting for every queued write would leave the engine
    // idle while the next range is handed over and staged (issue 16 timeline: 110 ms per insert).
    while (this.#queued > 1 && !this.#failure) await this.#jobs[0];
  }

  /** Writes what the buffer holds now. */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#idle) clearTimeout(this.#idle);
    this.#timer = undefined;
    this.#idle = undefined;
    if (!this.#buffer.length) return;
    const members = this.#buffer;
    this.#buffer = [];
    this.#rows = 0;
    this.#bytes = 0;
    this.#enqueue(() => this.#writeFresh(members));
  }

  /**
   * Flushes and waits for every write. `final` (the source is exhausted, nothing more will come
   * back) also settles re-formed batches still missing members; otherwise (abort) they stay unacked.
   */
  async drain(final: boolean): Promise<void> {
    this.flush();
    await this.#chain;
    // After the last flush's lookup: only then is every member that came back in its batch.
    if (final) for (const r of [...this.#recovering.values()]) this.#settle(r);
    else this.#stopTimers();
    await this.#chain;
  }

  /** Waiting batches stay unacked (their members come back to the next run); their timers end. */
  #stopTimers(): void {
    for (const r of this.#recovering.values()) {
      clearTimeout(r.timer);
      clearInterval(r.recheck);
    }
  }

  #enqueue(job: () => Promise<void>): void {
    this.#queued++;
    this.#chain = this.#chain
      .then(() => (this.#failure ? undefined : job()))
      .catch((err: unknown) => {
        if (this.#failure) return;
        this.#failure = err instanceof Error ? err : new Error(String(err));
        this.#stopTimers();
        this.#o.onFailure?.(this.#failure);
      })
      .finally(() => {
        this.#queued--;
        this.#jobs.shift();
      });
    this.#jobs.push(this.#chain);
  }

  /** A flushed buffer: members the ledger knows rejoin their recorded batch; the rest form a new one. */
  async #writeFresh(members: Member[]): Promise<void> {
    const recorded = await this.#o.support.ledger.lookup(members.map((m) => m.token));
    const claimed = claim(
      members.map((m) => m.token),
      recorded,
    );
    const fresh: Member[] = [];
    const stored: Member[] = [];
    for (const m of members) {
      const batch = claimed.get(m.token);
      if (!batch) fresh.push(m);
      // Its batch was stored before any member was acked (the common replay: written, ack not
      // persisted): acked at once as duplicates. Otherwise no member of it was acked, so all come
      // back, and it waits for its batch-mates to be written again under the same token.
      else if (batch.written) stored.push(m);
      else this.#join(this.#recoveringFor(batch), m);
    }
    await this.#ackStored(stored);
    await this.#writeNew(fresh);
    for (const r of [...this.#recovering.values()])
      if (!missing(r.batch, new Set(r.have.keys())).length) {
        this.#forget(r);
        await this.#write(r.batch.batchId, ordered(r));
      }
  }

  /** Records a new batch's membership, then writes it. */
  async #writeNew(members: Member[]): Promise<void> {
    if (!members.length) return;
    const tokens = members.map((m) => m.token);
    const id = batchToken(tokens);
    await this.#o.support.ledger.record(id, tokens);
    await this.#write(id, members);
  }

  /** Writes a batch; a recorded one is marked written (durably) before any member is acked. */
  async #write(id: string, members: Member[], recorded = true): Promise<void> {
    const { sink, support } = this.#o;
    const written =
      members.length === 1
        ? [
            await sink.write(
              members[0]!.result.columns,
              members[0]!.result.rejects,
              members[0]!.batch.position,
            ),
          ]
        : await support.writeBatch(members.map(sinkMember), id);
    if (recorded) await support.ledger.markWritten(id);
    await this.#ack(members, written);
  }

  /** All acks start in the same tick, so a source that persists acks in the background sees them together. */
  async #ack(members: Member[], written: WriteResult[]): Promise<void> {
    await Promise.all(members.map((m) => m.batch.ack()));
    for (const [i, m] of members.entries()) this.#o.onAcked(m, written[i]!);
  }

  #recoveringFor(batch: RecordedBatch): Recovering {
    const known = this.#recovering.get(batch.batchId);
    if (known) return known;
    const r: Recovering = {
      batch,
      have: new Map(),
      timer: setTimeout(() => this.#settle(r), this.#o.support.limits.recoveryWaitMs).unref(),
      recheck: setInterval(() => {
        if (r.checking) return;
        r.checking = true;
        this.#enqueue(() => this.#recheck(r).finally(() => (r.checking = false)));
      }, RECHECK_MS).unref(),
      checking: false,
    };
    this.#recovering.set(batch.batchId, r);
    return r;
  }

  /** A member of a recorded batch not marked written: the batch is written again once every member is back. */
  #join(r: Recovering, m: Member): void {
    r.have.set(m.token, m);
  }

  async #ackStored(members: Member[]): Promise<void> {
    const written = members.map((m) => ({
      rows: 0,
      rejects: 0,
      duplicates: m.rows,
      duplicateRejects: m.result.rejects.length,
    }));
    await this.#ack(members, written);
  }

  #forget(r: Recovering): void {
    clearTimeout(r.timer);
    clearInterval(r.recheck);
    this.#recovering.delete(r.batch.batchId);
  }

  /** True when the ledger now says the batch was written (by whoever held its members then). */
  async #writtenNow(r: Recovering): Promise<boolean> {
    const found = await this.#o.support.ledger.lookup(r.batch.members);
    return found.some((b) => b.batchId === r.batch.batchId && b.written);
  }

  /** A waiting batch that got written elsewhere meanwhile: its members here are duplicates. */
  async #recheck(r: Recovering): Promise<void> {
    if (this.#recovering.get(r.batch.batchId) !== r || !(await this.#writtenNow(r))) return;
    this.#forget(r);
    await this.#ackStored(ordered(r));
  }

  /**
   * Members that never came back (the blob was rewritten or deleted, the partition moved to another
   * consumer, or, with blob leases, its blob went to another survivor of a crash): the batch cannot
   * be re-formed. It was not marked written, so no member was acked. The crash may still have fallen
   * between its insert and the written mark; then its rows are stored and a new batch would store
   * them twice. So the sink is asked which members the batch stored already (exact for blob and file
   * ranges): those are acked as duplicates; a member whose rows are stored but not its rejects (the
   * crash fell between the two inserts) gets its rejects written alone; the rest is written in a new
   * batch. Where the sink cannot tell (Kafka, Event Hubs), members are written again: losing rows is
   * worse than repeating them.
   */
  #settle(r: Recovering): void {
    this.#forget(r);
    const present = ordered(r);
    if (!present.length) return;
    this.#enqueue(async () => {
      if (await this.#writtenNow(r)) return this.#ackStored(present);
      const known = await this.#o.support.storedAlready?.(present.map(sinkMember), r.batch.createdMs);
      const stored = present.map((_, i) => known?.[i] ?? { rows: false, rejects: false });
      this.#o.logger.warn(
        {
          batch: r.batch.batchId,
          missing: missing(r.batch, new Set(r.have.keys())).length,
          present: present.length,
          alreadyStored: stored.filter((s) => s.rows && s.rejects).length,
        },
        'batch members did not come back; settling the members that did',
      );
      const fresh: Member[] = [];
      for (const [i, m] of present.entries()) {
        const { rows, rejects } = stored[i]!;
        if (rows) await this.#settleOne(r, m, rejects ? 'nothing' : 'rejects');
        // Rows not stored: written anew, without rejects the batch did store (rare: a refused insert's fallback).
        else fresh.push(rejects ? { ...m, result: { ...m.result, rejects: [] } } : m);
      }
      await this.#writeNew(fresh);
    });
  }

  /**
   * A member whose rows the unmarked batch stored: its missing rejects (if any) are written alone, and
   * it is recorded as a batch of its own, already written, before its ack. So if the ack is lost and
   * the whole old batch re-forms later, the member belongs to this newer, written batch and is acked
   * as a duplicate instead of joining a rewrite whose rejects insert carries a token never used.
   * Marked before it is recorded: a lookup finds a batch through its member rows, so it is never seen
   * unmarked (seen unmarked, a one-member batch would be re-formed at once and its rows written again
   * under the position's token). A crash before the record leaves the member to the old batch, whose
   * next settle finds everything stored.
   */
  async #settleOne(r: Recovering, m: Member, write: 'nothing' | 'rejects'): Promise<void> {
    const { ledger } = this.#o.support;
    const id = batchToken([r.batch.batchId, m.token]);
    const stored: WriteResult =
      write === 'rejects'
        ? await this.#o.sink.write(NO_ROWS, m.result.rejects, m.batch.position)
        : { rows: 0, rejects: 0, duplicateRejects: m.result.rejects.length };
    await ledger.markWritten(id);
    await ledger.record(id, [m.token]);
    await this.#ack([m], [{ ...stored, rows: 0, duplicates: m.rows }]);
  }
}

/** A member with its rows left out (they are stored). Never mutated: the sink only reads columns. */
const NO_ROWS = new FlowBatchBuilder(16).finish();

function sinkMember(m: Member) {
  return { columns: m.result.columns, rejects: m.result.rejects, position: m.batch.position };
}

function ordered(r: Recovering): Member[] {
  return r.batch.members.flatMap((t) => {
    const m = r.have.get(t);
    return m ? [m] : [];
  });
}
