import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../harness/cli.js';

describe('flowlens run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-run-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops and exits 2 when a source cannot start for a configuration reason', async () => {
    const file = join(dir, 'flowlens.yaml');
    writeFileSync(
      file,
      [
        'sources:',
        '  - type: blob',
        '    containers: [insights-logs-flowlogflowevent]',
        '    auth: { method: connection-string, connectionStringEnv: CLI_RUN_TEST_UNSET_STORAGE }',
        '',
      ].join('\n'),
    );
    // Before: the rejected ingest task was only awaited after a shutdown signal, so the process
    // either kept serving without ingest or died of an unhandled rejection (exit 1).
    const r = await runCli(
      ['--db', join(dir, 'db'), '--config', file, 'run', '--roles', 'ingest', '--status-port', '0'],
      { env: { CLI_RUN_TEST_UNSET_STORAGE: '' } },
    );
    expect(r.stderr).toContain('CLI_RUN_TEST_UNSET_STORAGE is not set');
    expect(r.code).toBe(2);
  });

  it('refuses a port that is not a number as a usage error (exit 2)', async () => {
    const r = await runCli(['--db', join(dir, 'db'), 'run', '--roles', 'ingest', '--status-port', 'abc']);
    expect(r.stderr).toContain('--status-port must be a port');
    expect(r.code).toBe(2);
  });

  it('stops gracefully and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'cli', 'main.ts'),
        '--db',
        join(dir, 'db-term'),
        'run',
        '--roles',
        'ingest',
        '--status-port',
        '0',
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
          if (stderr.includes('flowlens running')) resolve();
        });
        void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
      });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toContain('shutting down');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
