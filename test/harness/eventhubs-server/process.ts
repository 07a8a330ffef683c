import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts the Event Hubs test double (not an emulator) in a child process (main.ts) and reads its
 * port from the first stdout line. `stop()` sends SIGTERM and waits for the exit.
 */
export interface DoubleProcess {
  pid: number;
  port: number;
  connectionString(hub: string): string;
  stop(): Promise<void>;
}

export async function spawnEventHubsTestDouble(hubs: Record<string, number>): Promise<DoubleProcess> {
  const main = join(dirname(fileURLToPath(import.meta.url)), 'main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', main, JSON.stringify({ hubs })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await firstLinePort(child);
  return {
    pid: child.pid ?? -1,
    port,
    connectionString: (hub) =>
      `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=k;SharedAccessKey=k;EntityPath=${hub};UseDevelopmentEmulator=true`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function firstLinePort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.once('exit', (code) => reject(new Error(`test double exited with ${code}`)));
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(buf.slice(0, nl)) as { port: number }).port);
    });
  });
}
