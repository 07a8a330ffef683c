import type { Worker } from 'node:worker_threads';
import { errorMessage } from '../../../core/errors.js';
import { type Logger, silentLogger } from '../../../core/logging.js';
import type { NormalizeMeta, NormalizeResult, Normalizer } from '../../contracts.js';
import { normalizerFailure } from '../failure.js';
import type { ReplyMessage, TaskMessage } from './protocol.js';
import { defaultVariantsModule, spawnNormalizerWorker } from './spawn.js';
import type { NormalizerVariant } from './variants.js';

/**
 * A normalizer that runs off the pipeline's thread: same contract as {@link Normalizer} (never
 * fails: a body it cannot handle becomes rejects), asynchronous, `concurrency` bodies at once.
 */
export interface ParallelNormalizer {
  readonly concurrency: number;
  normalize(body: Buffer, meta: NormalizeMeta): Promise<NormalizeResult>;
}

export interface NormalizerPoolOptions {
  /** Worker threads (config `ingest.workers`); at least 1. */
  workers: number;
  /** Module (URL) exporting `NORMALIZER_VARIANTS`; default `./variants`. Tests load failing ones. */
  variantsModule?: string;
  logger?: Logger;
}

interface Task {
  id: number;
  variant: NormalizerVariant;
  body: Buffer;
  meta: NormalizeMeta;
  resolve(result: NormalizeResult): void;
}

interface Slot {
  worker: Worker;
  /** The worker loaded its normalizers; until then a death means it cannot start at all. */
  ready: boolean;
  /** Posted to the worker, in its order: the first is being normalized, the rest wait in its port. */
  tasks: Task[];
}

/**
 * Bodies posted to one worker at once: the next one waits in the worker's own port, so the worker
 * goes on as soon as it replies instead of waiting for this thread to read the reply and post again.
 */
const WORKER_DEPTH = 2;

/**
 * Worker threads that normalize bodies (`ingest/normalizers/pool/worker.ts`). Each worker normalizes
 * one body at a time with up to {@link WORKER_DEPTH} − 1 more posted behind it; more calls wait in a
 * queue. Results come back with their column buffers transferred, not copied. A normalizer that
 * throws gives the same reject as in-thread; a worker that dies mid-body turns that body into one
 * reject (the bodies posted behind it go to another) and is replaced. If a worker cannot even start
 * (a broken install), the pool logs it once and normalizes in-thread from then on: slower, never
 * wrong, and the run goes on.
 */
export class NormalizerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly variantsModule: string;
  private readonly logger: Logger;
  private nextId = 0;
  private closed = false;
  private fallback?: Promise<Record<string, Normalizer>>;

  constructor(options: NormalizerPoolOptions) {
    this.size = Math.max(1, Math.floor(options.workers));
    this.variantsModule = options.variantsModule ?? defaultVariantsModule();
    this.logger = options.logger ?? silentLogger();
    try {
      for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
    } catch (err) {
      // `new Worker` itself refused (e.g. a flag in execArgv a worker does not accept).
      this.fallBackInThread(errorMessage(err), undefined);
    }
  }

  /** True once workers could not start and bodies are normalized in-thread (logged at error level). */
  get inThread(): boolean {
    return this.fallback !== undefined;
  }

  /** A {@link ParallelNormalizer} running the named variant on this pool's workers. */
  variant(variant: NormalizerVariant): ParallelNormalizer {
    return { concurrency: this.size, normalize: (body, meta) => this.run(variant, body, meta) };
  }

  run(variant: NormalizerVariant, body: Buffer, meta: NormalizeMeta): Promise<NormalizeResult> {
    if (this.closed) return Promise.resolve(failed(body, meta, 'normalizer pool closed'));
    if (this.fallback) return this.runInThread(variant, body, meta);
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, variant, body, meta, resolve });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0))
      task.resolve(failed(task.body, task.meta, 'normalizer pool closed'));
    const slots = this.slots.splice(0);
    for (const task of slots.flatMap((s) => s.tasks))
      task.resolve(failed(task.body, task.meta, 'normalizer pool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    // Fill every worker's first place before any second one, so work spreads across workers.
    for (let depth = 1; depth <= WORKER_DEPTH; depth++) {
      for (const slot of this.slots) {
        if (slot.tasks.length >= depth) continue;
        const task = this.queue.shift();
        if (!task) return;
        this.post(slot, task);
      }
    }
  }

  private post(slot: Slot, task: Task): void {
    slot.tasks.push(task);
    slot.worker.ref();
    const body = new Uint8Array(task.body); // a private copy: the source's Buffer may share a slab
    const message: TaskMessage = { id: task.id, variant: task.variant, body, meta: task.meta };
    slot.worker.postMessage(message, [body.buffer]);
  }

  private spawn(): Slot {
    const worker = spawnNormalizerWorker({ variantsModule: this.variantsModule });
    const slot: Slot = { worker, ready: false, tasks: [] };
    worker.unref();
    worker.on('message', (reply: ReplyMessage) => this.onReply(slot, reply));
    worker.on('error', (err) => this.onDeath(slot, errorMessage(err)));
    worker.on('messageerror', (err) => this.onDeath(slot, errorMessage(err)));
    worker.on('exit', (code) => this.onDeath(slot, `worker thread exited with code ${code}`));
    return slot;
  }

  private onReply(slot: Slot, reply: ReplyMessage): void {
    if (reply.type === 'ready') {
      slot.ready = true;
      return;
    }
    const task = slot.tasks[0];
    if (!task || task.id !== reply.id) return;
    slot.tasks.shift();
    if (slot.tasks.length === 0) slot.worker.unref();
    task.resolve(reply.type === 'done' ? reply.result : failed(task.body, task.meta, reply.message));
    this.dispatch();
  }

  /** A worker died: its body becomes a reject and the worker is replaced (or, if it never started, in-thread). */
  private onDeath(slot: Slot, reason: string): void {
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.closed) return; // already handled ('error' is followed by 'exit')
    // The first task was being normalized; the others never started and go back to the queue.
    const [task, ...unstarted] = slot.tasks.splice(0);
    this.queue.unshift(...unstarted);
    void slot.worker.terminate();
    if (!slot.ready) {
      this.fallBackInThread(reason, task);
      return;
    }
    this.logger.warn({ err: reason }, 'normalizer worker died; its body is rejected, worker replaced');
    task?.resolve(failed(task.body, task.meta, `worker thread died: ${reason}`));
    try {
      this.slots[index] = this.spawn();
      this.dispatch();
    } catch (err) {
      this.fallBackInThread(errorMessage(err), undefined);
    }
  }

  /** No worker can start here: every body from now on, and those waiting, are normalized in-thread. */
  private fallBackInThread(reason: string, task: Task | undefined): void {
    this.logger.error({ err: reason }, 'normalizer worker could not start; normalizing in-thread');
    const slots = this.slots.splice(0);
    const waiting = [...(task ? [task] : []), ...slots.flatMap((s) => s.tasks), ...this.queue.splice(0)];
    for (const s of slots) void s.worker.terminate();
    this.fallback ??= import(this.variantsModule).then(
      (m: { NORMALIZER_VARIANTS: Record<string, Normalizer> }) => m.NORMALIZER_VARIANTS,
    );
    for (const t of waiting) void this.runInThread(t.variant, t.body, t.meta).then(t.resolve);
  }

  private async runInThread(variant: NormalizerVariant, body: Buffer, meta: NormalizeMeta) {
    try {
      const normalize = (await this.fallback!)[variant];
      if (!normalize) throw new Error(`unknown normalizer variant ${variant}`);
      return normalize(body, meta);
    } catch (err) {
      return failed(body, meta, errorMessage(err));
    }
  }
}

function failed(body: Buffer, meta: NormalizeMeta, message: string): NormalizeResult {
  return normalizerFailure(body, meta.baseOffset ?? 0, message);
}
