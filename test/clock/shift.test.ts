import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseClockOffset } from './offset.mjs';

const SHIFT = fileURLToPath(new URL('./shift.mjs', import.meta.url));
const YEAR = 365 * 86_400_000;

/** How far Date is from the monotonic clock's idea of wall time, in ms. */
function dateOffset(): number {
  return Date.now() - (performance.timeOrigin + performance.now());
}

describe('moved clock (FLOWLENS_CLOCK_OFFSET)', () => {
  it('reads offsets as a number of milliseconds', () => {
    expect(parseClockOffset(undefined)).toBe(0);
    expect(parseClockOffset('+3y')).toBe(3 * YEAR);
    expect(parseClockOffset('-90d')).toBe(-90 * 86_400_000);
    expect(parseClockOffset('36h')).toBe(36 * 3_600_000);
    expect(parseClockOffset('+1500')).toBe(1500);
    expect(() => parseClockOffset('three years')).toThrow(/FLOWLENS_CLOCK_OFFSET/);
  });

  it('this run sees the clock the environment asks for', () => {
    // In the moved-clock run of `npm test` this is +3y; in the normal run, 0.
    const want = parseClockOffset(process.env.FLOWLENS_CLOCK_OFFSET);
    expect(Math.abs(dateOffset() - want)).toBeLessThan(60_000);
  });

  it('moves Date in a child process, leaving dates built from a value alone', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        SHIFT,
        '-e',
        'console.log(JSON.stringify([Date.now() - (performance.timeOrigin + performance.now()), new Date(0).getTime(), Date.parse("2020-01-01T00:00:00Z"), new Date() instanceof Date]))',
      ],
      { env: { ...process.env, NODE_OPTIONS: '', FLOWLENS_CLOCK_OFFSET: '+3y' }, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const [offset, zero, parsed, isDate] = JSON.parse(r.stdout) as [number, number, number, boolean];
    expect(Math.abs(offset - 3 * YEAR)).toBeLessThan(60_000);
    expect(zero).toBe(0);
    expect(parsed).toBe(Date.UTC(2020, 0, 1));
    expect(isDate).toBe(true);
  });
});
