// Moves this process's wall clock by FLOWLENS_CLOCK_OFFSET (e.g. `+3y`, `-90d`, `+36h`, or
// milliseconds) for the moved-clock test run (test/run.mjs). Loaded with `node --import` through
// NODE_OPTIONS, so vitest workers and every Node child a test spawns (the CLI, tsx scripts) move
// together. libfaketime cannot do this job: chDB reads CLOCK_REALTIME without going through libc,
// so under LD_PRELOAD its now() stayed on the real date while today() moved (docs/testing.md).
// Only Date moves; timers, performance.now() and chDB's clock stay real.
import { parseClockOffset } from './offset.mjs';

const offset = parseClockOffset(process.env.FLOWLENS_CLOCK_OFFSET);

if (offset !== 0 && !globalThis.__flowlensClockOffset) {
  const RealDate = Date;
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
  globalThis.__flowlensClockOffset = offset;
}
