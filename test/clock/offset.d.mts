/** `+3y`, `-90d`, `+36h`, `15m`, `+1000` (ms) → milliseconds; empty or unset → 0. */
export function parseClockOffset(text: string | undefined): number;
