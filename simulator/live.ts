import { BlobServiceClient } from '@azure/storage-blob';
import { sleep } from '../core/retry.js';
import { CONTAINERS } from './records.js';
import { type SimulatedRecord, Simulation } from './simulation.js';
import type { TrafficGenerator } from './traffic.js';
import { AzureLikeBlobWriter, ensureContainers } from './writers/azure-blob.js';

const MINUTE = 60_000;

export interface LiveFeedOptions {
  connectionString: string;
  seed?: number;
  /** Hours of history written before going live, as finished hour blobs plus the current hour. */
  backfillHours: number;
  /** Minutes behind the wall clock at which the live, accelerated part starts. */
  catchUpMinutes: number;
  /** Real milliseconds per simulated minute while catching up (then real time). */
  catchUpTickMs: number;
  /** Minutes after the live start when the planted incidents begin. */
  incidentDelayMinutes: number;
  now?: () => number;
  /** Passed to the simulation (SimulationOptions.extraTraffic). */
  extraTraffic?: readonly TrafficGenerator[];
}

export interface LiveFeedStatus {
  simulatedUntilMs: number;
  tuples: number;
  blocks: number;
  live: boolean;
}

/**
 * Drives the simulator against Blob Storage like Azure does: history first, then one block per
 * simulated minute. While behind the wall clock the clock is accelerated; once caught up it follows
 * real time, so flow timestamps are never in the future (analyzers window on real time).
 */
export class LiveFeed {
  readonly status: LiveFeedStatus = { simulatedUntilMs: 0, tuples: 0, blocks: 0, live: false };
  private readonly sim: Simulation;
  private readonly writer: AzureLikeBlobWriter;
  private readonly service: BlobServiceClient;
  private readonly now: () => number;
  private readonly liveStartMs: number;
  /** Start of the history (an hour boundary at least `backfillHours` before the clock's now). */
  readonly historyStartMs: number;
  private history: Promise<void> | undefined;

  constructor(private readonly options: LiveFeedOptions) {
    this.now = options.now ?? Date.now;
    const wall = Math.floor(this.now() / MINUTE) * MINUTE;
    this.liveStartMs = wall - options.catchUpMinutes * MINUTE;
    this.historyStartMs = Math.floor((wall - options.backfillHours * 3_600_000) / 3_600_000) * 3_600_000;
    this.sim = new Simulation({
      startMs: this.historyStartMs,
      seed: options.seed ?? 7,
      incidentsAtMs: this.liveStartMs + options.incidentDelayMinutes * MINUTE,
      ...(options.extraTraffic ? { extraTraffic: options.extraTraffic } : {}),
    });
    this.service = BlobServiceClient.fromConnectionString(options.connectionString);
    this.writer = new AzureLikeBlobWriter((name) => this.service.getContainerClient(name));
  }

  /** Time at which planted incidents begin (for the terminal tour and tests). */
  get incidentsAtMs(): number {
    return this.liveStartMs + this.options.incidentDelayMinutes * MINUTE;
  }

  /**
   * Writes the history (idempotent; {@link run} calls it too). A tailing reader that lists past
   * hours once at start, as the blob source does, must start after this: Azure never writes to
   * past hours, so it does not list them again.
   */
  async writeHistory(signal: AbortSignal): Promise<void> {
    this.history ??= (async () => {
      await ensureContainers((n) => this.service.getContainerClient(n), Object.values(CONTAINERS));
      await this.backfill(signal);
    })();
    await this.history;
  }

  /** Runs until `signal` aborts. Errors propagate (the demo reports them and exits). */
  async run(signal: AbortSignal): Promise<void> {
    await this.writeHistory(signal);
    this.status.live = true;
    while (!signal.aborted) {
      const due = this.sim.nextMinuteMs + MINUTE + 6_000; // a minute is emitted just after it ends
      const wait = due > this.now() ? due - this.now() : this.options.catchUpTickMs;
      await sleep(wait, signal);
      if (signal.aborted) break;
      await this.emit(this.sim.nextMinute());
    }
  }

  /** History up to the live start, one block per minute (batched per blob to keep it quick). */
  private async backfill(signal: AbortSignal): Promise<void> {
    let pending: SimulatedRecord[] = [];
    while (this.sim.nextMinuteMs < this.liveStartMs && !signal.aborted) {
      pending.push(...this.sim.nextMinute());
      if (pending.length >= 300) {
        await this.emit(pending);
        pending = [];
      }
    }
    if (pending.length) await this.emit(pending);
  }

  private async emit(records: SimulatedRecord[]): Promise<void> {
    await this.writer.append(records);
    this.status.blocks += new Set(records.map((r) => `${r.container}/${r.blob}`)).size;
    this.status.tuples += records.reduce((n, r) => n + r.tuples, 0);
    this.status.simulatedUntilMs = this.sim.nextMinuteMs;
  }
}
