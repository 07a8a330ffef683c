import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../harness/cli.js';

describe('flowlens config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));

  it('check lists every problem at once and exits 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'database:\n  retention: { rawDays: -1 }\n  bogus: 1\nsources:\n  - type: nope\n');
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('3 configuration problems');
    expect(r.stderr).toContain('database.retention.rawDays');
    expect(r.stderr).toContain('Unrecognized key: "bogus"');
    expect(r.stderr).toContain('sources.0.type');
  });

  it('check accepts an empty file (every option has a default)', async () => {
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, '');
    const r = await runCli(['--config', file, 'config', 'check']);
    expect(r).toMatchObject({ code: 0, stdout: 'configuration is valid\n' });
  });

  it('print shows defaults, env overrides and redacts secrets', async () => {
    const r = await runCli(['config', 'print', '--json'], {
      env: { FLOWLENS_DATABASE_PASSWORD: 'hunter2', FLOWLENS_DATABASE_RETENTION__RAW_DAYS: '7' },
    });
    expect(r.code).toBe(0);
    const cfg = JSON.parse(r.stdout) as {
      database: { password: string; retention: { rawDays: number } };
      ingest: { coalesce: { enabled: boolean } };
    };
    expect(cfg.database.password).toBe('***');
    // Coalesced inserts are on unless turned off (docs/ingest.md "Batching").
    expect(cfg.ingest.coalesce.enabled).toBe(true);
    expect(cfg.database.retention.rawDays).toBe(7);
    expect(r.stdout).not.toContain('hunter2');
  });

  it('unknown commands are usage errors (exit 2)', async () => {
    expect((await runCli(['no-such-command'])).code).toBe(2);
  });
});
