import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { AzureBlobWriter, FlowLogStream } from './azure-blob-writer.js';
import { REPO_ROOT } from './cli.js';

/**
 * The e2e scaffolding for `flowlens` as a real OS process (blob-crash, scale-out-blob): spawn the
 * CLI with tsx, collect its JSON log lines, wait for its exit; write a blob-source config; keep
 * Azure-like appends arriving while processes come and go.
 */
export interface FlowlensProcess {
  proc: ChildProcess;
  /** Parsed JSON log lines so far (stderr; only when started with `logs: true`). */
  logs: Array<Record<string, unknown>>;
  /** Resolves when the process has exited (any code or signal). */
  exited: Promise<void>;
  /** SIGTERM (or `signal`) and wait for the exit; a process already gone resolves at once. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface StartOptions {
  /** Extra environment (connection strings the config names, retention overrides…). */
  env?: Record<string, string>;
  /** Collect stderr as JSON log lines into `logs` (otherwise stderr is ignored). */
  logs?: boolean;
}

/** `node --import tsx cli/main.ts …args` from the repository root. */
export function startFlowlens(args: string[], options: StartOptions = {}): FlowlensProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'cli', 'main.ts'), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', options.logs ? 'pipe' : 'ignore'],
  });
  const logs: Array<Record<string, unknown>> = [];
  if (options.logs) collectLogs(proc, logs);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const running = () => proc.exitCode === null && proc.signalCode === null;
  return {
    proc,
    logs,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (running()) proc.kill(signal);
      await exited;
    },
  };
}

function collectLogs(proc: ChildProcess, logs: Array<Record<string, unknown>>): void {
  let buf = '';
  proc.stderr?.on('data', (c: Buffer) => {
    buf += c.toString();
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) {
      try {
        logs.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        // not a log line (a warning printed by node itself)
      }
    }
  });
}

/** Log lines whose `msg` is `msg`. */
export function logsWith(p: FlowlensProcess, msg: string): Array<Record<string, unknown>> {
  return p.logs.filter((l) => l.msg === msg);
}

/** A loopback port that was free a moment ago (for a status or API server that takes a fixed port). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * Writes `flowlens.json` in `dir` with one blob source reading the storage account whose connection
 * string is in env `connectionStringEnv`, polling every second; `extra` is merged at the top level
 * (e.g. an `analyze` section). Returns the file's path.
 */
export function writeBlobSourceConfig(
  dir: string,
  source: { name: string; connectionStringEnv: string; leaseSeconds?: number; discoverySeconds?: number },
  extra: Record<string, unknown> = {},
): string {
  const file = join(dir, 'flowlens.json');
  const leases = source.leaseSeconds
    ? { enabled: true, durationSeconds: source.leaseSeconds }
    : { enabled: false };
  const blob = {
    type: 'blob',
    name: source.name,
    auth: { method: 'connection-string', connectionStringEnv: source.connectionStringEnv },
    pollIntervalSeconds: 1,
    discoveryIntervalSeconds: source.discoverySeconds ?? 2,
    leases,
  };
  writeFileSync(file, JSON.stringify({ sources: [blob], ...extra }));
  return file;
}

/**
 * Appends to `streams` round-robin every `intervalMs` (1–`maxTuples` tuples per block, current time)
 * until `stop()`, which resolves once the last append is committed: `writer.totalTuples` is then final.
 */
export function keepAppending(
  writer: AzureBlobWriter,
  streams: readonly FlowLogStream[],
  mac: string,
  options: { intervalMs: number; maxTuples: number },
): { stop(): Promise<void> } {
  let writing = true;
  const done = (async () => {
    for (let i = 0; writing; i++) {
      await writer.append(streams[i % streams.length]!, mac, Date.now(), {
        tuples: 1 + (i % options.maxTuples),
      });
      await new Promise((r) => setTimeout(r, options.intervalMs));
    }
  })();
  return {
    stop: async () => {
      writing = false;
      await done;
    },
  };
}
