import type { Rng } from '../random.js';
import type { EstateConnection } from './rows.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const MB = 1024 * 1024;

/** What every traffic generator gets: the span, randomness and where connections go. */
export interface GenContext {
  startMs: number;
  endMs: number;
  rng: Rng;
  emit(c: EstateConnection): void;
}

/**
 * Business activity 0..1 at a time: working hours 07–19 (UTC+1) peak, nights low, weekends at 40 %
 * (diurnal and weekday patterns every estate shows).
 */
export function activity(ms: number): number {
  const d = new Date(ms + HOUR);
  const h = d.getUTCHours() + d.getUTCMinutes() / 60;
  const day = 0.15 + 0.85 * Math.max(0, Math.sin(((h - 6) / 14) * Math.PI));
  const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6;
  return weekend ? day * 0.4 : day;
}

/** Calls `fn` every `periodMs` (± jitter) from an offset in [0, period) over the span. */
export function every(
  ctx: GenContext,
  periodMs: number,
  fn: (t: number) => void,
  jitterMs = 0,
  from = ctx.startMs,
  to = ctx.endMs,
): void {
  for (let t = from + ctx.rng.next() * periodMs; t < to; t += periodMs) {
    fn(Math.round(t + (jitterMs ? (ctx.rng.next() * 2 - 1) * jitterMs : 0)));
  }
}

/** Each day of the span at `hour` UTC (+ up to `spreadMin` minutes). */
export function daily(
  ctx: GenContext,
  hour: number,
  fn: (t: number, day: number) => void,
  spreadMin = 0,
): void {
  for (let day = 0, t = ctx.startMs; t < ctx.endMs; day++, t += DAY) {
    const at = t + hour * HOUR + ctx.rng.int(0, spreadMin) * 60_000;
    if (at < ctx.endMs) fn(at, day);
  }
}

export const ephemeral = (rng: Rng): number => rng.int(49152, 65535);

/** A random public IPv4 address outside private, shared and documentation ranges. */
export function randomPublicIp(rng: Rng): string {
  for (;;) {
    const a = rng.int(11, 223);
    if ([100, 127, 169, 172, 192, 198, 203].includes(a)) continue;
    return `${a}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  }
}
