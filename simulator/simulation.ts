import { type Connection, connectionTuples, type TupleEvent } from './connection.js';
import { INCIDENTS, type Incident } from './incidents.js';
import { createRng, type Rng } from './random.js';
import { blobName, CONTAINERS, renderRecord } from './records.js';
import { HOSTS, nsgSpec } from './topology.js';
import { BENIGN_TRAFFIC, type TrafficGenerator } from './traffic.js';

/** One record destined for one blob: what Azure appends to a PT1H.json once a minute. */
export interface SimulatedRecord {
  container: string;
  blob: string;
  record: object;
  tuples: number;
}

export interface SimulationOptions {
  /** First simulated minute (aligned down to the minute). */
  startMs: number;
  seed?: number;
  /** When planted incidents begin; omit for benign traffic only. */
  incidentsAtMs?: number;
  /** Restrict to some incidents (by id); default all. */
  incidentIds?: string[];
  /** More benign traffic (the demo's Azure-service calls), drawn from a stream of its own. */
  extraTraffic?: readonly TrafficGenerator[];
}

const MINUTE = 60_000;
/** Azure emits a record a few seconds after the minute it covers. */
const EMIT_DELAY_MS = 6_000;

/**
 * A deterministic, minute-by-minute fake of Azure's flow logging for the estate in topology.ts.
 * Connections are expanded into tuples when they start; tuples wait in per-minute buckets until
 * their minute is emitted, so long flows produce C rows every 5 minutes and an E row at the end.
 */
export class Simulation {
  private minuteMs: number;
  private readonly rng: Rng;
  /** Separate from `rng`, so extra traffic leaves the estate's own draws as they were. */
  private readonly extraRng: Rng;
  private readonly pending = new Map<number, TupleEvent[]>();
  private readonly incidents: Incident[];
  tuplesEmitted = 0;

  constructor(private readonly options: SimulationOptions) {
    this.minuteMs = Math.floor(options.startMs / MINUTE) * MINUTE;
    this.rng = createRng(options.seed ?? 1);
    this.extraRng = createRng((options.seed ?? 1) + 0x5eed);
    this.incidents = INCIDENTS.filter((i) => !options.incidentIds || options.incidentIds.includes(i.id));
  }

  /** Start of the next minute to be emitted. */
  get nextMinuteMs(): number {
    return this.minuteMs;
  }

  /** Generates the next minute and returns one record per NIC that saw traffic in it. */
  nextMinute(): SimulatedRecord[] {
    const m = this.minuteMs;
    for (const c of this.connectionsStarting(m)) this.schedule(c);
    const due = this.pending.get(m) ?? [];
    this.pending.delete(m);
    this.minuteMs += MINUTE;
    return this.render(m, due);
  }

  private connectionsStarting(m: number): Connection[] {
    const out: Connection[] = [];
    for (const generate of BENIGN_TRAFFIC) out.push(...generate(m, this.rng));
    for (const generate of this.options.extraTraffic ?? []) out.push(...generate(m, this.extraRng));
    const at = this.options.incidentsAtMs;
    if (at === undefined) return out;
    for (const incident of this.incidents) {
      const start = Math.floor(at / MINUTE) * MINUTE + incident.offsetMinutes * MINUTE;
      const end = start + incident.durationMinutes * MINUTE;
      if (m >= start && m < end) out.push(...incident.traffic(m, start, this.rng));
    }
    return out;
  }

  private schedule(c: Connection): void {
    for (const t of connectionTuples(c)) {
      const minute = Math.floor(t.timeMs / MINUTE) * MINUTE;
      const bucket = this.pending.get(minute);
      if (bucket) bucket.push(t);
      else this.pending.set(minute, [t]);
    }
  }

  private render(m: number, tuples: TupleEvent[]): SimulatedRecord[] {
    const byMac = new Map<string, TupleEvent[]>();
    for (const t of tuples) {
      const list = byMac.get(t.mac);
      if (list) list.push(t);
      else byMac.set(t.mac, [t]);
    }
    const recordTime = m + MINUTE + EMIT_DELAY_MS;
    const out: SimulatedRecord[] = [];
    for (const h of HOSTS) {
      const list = byMac.get(h.mac);
      if (!list?.length) continue;
      const format = nsgSpec(h.nsg).format;
      // The record lands in the blob of the hour it is emitted in (so an hour blob starts with tuples of the previous hour).
      const hourMs = Math.floor(recordTime / 3_600_000) * 3_600_000;
      out.push({
        container: CONTAINERS[format],
        blob: blobName(format, h.nsg, h.mac, hourMs),
        record: renderRecord(format, recordTime, h.mac, h.nsg, list),
        tuples: list.length,
      });
      this.tuplesEmitted += list.length;
    }
    return out;
  }
}
