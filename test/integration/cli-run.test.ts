import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';

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
});
