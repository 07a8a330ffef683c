import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Azurite, the Azure Storage emulator, as a child process on loopback with in-memory storage.
 * Used by the demo (`flowlens demo`) and by tests. Port 0 lets Azurite pick a free port; we read
 * it from its "successfully listens on" line.
 * @see https://learn.microsoft.com/azure/storage/common/storage-use-azurite
 */
export interface AzuriteHandle {
  /** Blob endpoint, e.g. http://127.0.0.1:41234/devstoreaccount1 */
  blobEndpoint: string;
  connectionString: string;
  pid: number;
  stop(): Promise<void>;
}

/** Azurite's documented well-known development account and key. */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export async function startAzurite(
  options: { startupTimeoutMs?: number; location?: string } = {},
): Promise<AzuriteHandle> {
  const require = createRequire(import.meta.url);
  const main = join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'blob', 'main.js');
  const args = [
    main,
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    '0',
    '--skipApiVersionCheck',
    '--disableTelemetry',
    '--loose',
    ...(options.location
      ? ['--location', options.location]
      : ['--inMemoryPersistence', '--extentMemoryLimit', '512']),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await waitForPort(child, options.startupTimeoutMs ?? 30_000);
  const blobEndpoint = `http://127.0.0.1:${port}/${DEV_ACCOUNT}`;
  return {
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=${blobEndpoint};`,
    pid: child.pid ?? -1,
    stop: () => stopChild(child),
  };
}

function waitForPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start within ${timeoutMs} ms: ${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume(); // keep draining so Azurite never blocks on a full pipe
        child.stderr?.resume();
        resolve(Number(m[1]));
      }
    };
    function fail(err: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.once('exit', (code) => fail(new Error(`Azurite exited with ${code}: ${output}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
