import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DoubleStats, FaultPatch, FaultState } from './faults.js';

/**
 * Starts the ClickHouse HTTP test double (server.ts: chDB behind ClickHouse's HTTP interface, a
 * test double and not a ClickHouse server) in a child process with a fresh data directory, and
 * drives its fault switches through its control port.
 */
export interface ClickHouseDouble {
  pid: number;
  port: number;
  url: string;
  dataDir: string;
  /** Sets fault switches (faults.ts); resolves once they are in force. */
  fault(patch: FaultPatch): Promise<{ faults: FaultState; stats: DoubleStats }>;
  stats(): Promise<DoubleStats>;
  /** SIGTERM, wait for the exit, remove the data directory. */
  stop(): Promise<void>;
}

export async function spawnClickHouseDouble(
  options: { users?: Record<string, string>; dataDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ClickHouseDouble> {
  // A given data directory (a bench serving data it generated) is the caller's: kept on stop.
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'flowlens-chserver-'));
  const main = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
  const spec = { dataDir, ...(options.users ? { users: options.users } : {}) };
  const child = spawn(process.execPath, ['--import', 'tsx', main, JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  const { port, controlPort } = await firstLine(child);
  const control = async (method: 'GET' | 'POST', body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${controlPort}/faults`, {
      method,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`test double control: ${res.status} ${await res.text()}`);
    return (await res.json()) as { faults: FaultState; stats: DoubleStats };
  };
  return {
    pid: child.pid ?? -1,
    port,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    fault: (patch) => control('POST', patch),
    stats: async () => (await control('GET')).stats,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function firstLine(child: ChildProcess): Promise<{ port: number; controlPort: number }> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.once('exit', (code) => reject(new Error(`ClickHouse test double exited with ${code}`)));
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as { port: number; controlPort: number });
    });
  });
}
