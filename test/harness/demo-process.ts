import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.js';

/** `flowlens demo …args` (what `npm start` runs) as a child process, with its terminal output. */
export interface DemoProcess {
  proc: ChildProcess;
  /** The dashboard URL it printed. */
  url: string;
  /** stdout and stderr so far. */
  output(): string;
  /** SIGINT (Ctrl-C) and wait for the exit code. */
  stop(): Promise<number | null>;
}

export async function startDemo(args: string[], env: Record<string, string> = {}): Promise<DemoProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'cli', 'main.ts'), 'demo', ...args],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FLOWLENS_LOG_LEVEL: 'warn', ...env },
    },
  );
  let output = '';
  const collect = (c: Buffer) => {
    output += c.toString();
  };
  proc.stdout?.on('data', collect);
  proc.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await Promise.race([
    waitFor(
      'the demo URL',
      async () => /flowlens demo is running: (http:\/\/\S+)/.exec(output)?.[1],
      600_000,
    ),
    exited.then((code) => {
      throw new Error(`flowlens demo exited (${code}) before serving:\n${output}`);
    }),
  ]);
  return {
    proc,
    url,
    output: () => output,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGINT');
      return exited;
    },
  };
}

/** Polls `fn` every second until it gives a value (errors count as not yet), or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
