import { readFileSync } from 'node:fs';

/** Small helpers shared by benchmarks. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function mdTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `--name value` flags with defaults; the default's type decides the parsed type. */
export function parseFlags<T extends Record<string, number | string>>(args: string[], defaults: T): T {
  const out: Record<string, number | string> = { ...defaults };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const name = a.slice(2);
    if (!(name in defaults)) throw new Error(`unknown flag ${a}; known: ${Object.keys(defaults).join(', ')}`);
    const value = args[++i];
    if (value === undefined) throw new Error(`flag ${a} needs a value`);
    out[name] = typeof defaults[name] === 'number' ? Number(value) : value;
  }
  return out as T;
}

/** utime + stime of a process from /proc (Linux), in ms: the CPU a helper process (broker, double) spent. */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/**
 * Entry point of a benchmark child process: prints the result as one JSON line and exits 0, or
 * prints the error and exits 1 (the parent reads the last stdout line).
 */
export function runAsChild<T>(result: Promise<T>): void {
  result.then(
    (r) => {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

/**
 * Rows per second after a run's first acked batch (start-up excluded). NaN when the run had only
 * that one batch: a workload too small for a steady state, not an infinitely fast one.
 */
export function steadyRowsPerSecond(r: {
  rows: number;
  firstRows: number;
  ms: number;
  firstMs: number;
}): number {
  return r.rows > r.firstRows && r.ms > r.firstMs
    ? (r.rows - r.firstRows) / ((r.ms - r.firstMs) / 1000)
    : Number.NaN;
}
