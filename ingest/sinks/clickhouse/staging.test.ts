import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStagingRoot, StagingArea, sweepDead } from './staging.js';

describe('staging area', () => {
  it('resolves a configured directory to an absolute path, else prefers tmpfs', () => {
    expect(isAbsolute(defaultStagingRoot('relative/dir'))).toBe(true);
    expect(defaultStagingRoot()).toBe(existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  });

  it('writes the parts in order, removes each file and the directory on close', async () => {
    const area = new StagingArea(tmpdir());
    const parts = [Buffer.from('ab'), Buffer.alloc(0), Buffer.from(new Uint8Array([1, 2, 3]).buffer)];
    const path = await area.write(parts);
    expect([...readFileSync(path)]).toEqual([0x61, 0x62, 1, 2, 3]);
    await area.remove(path);
    expect(existsSync(path)).toBe(false);
    const second = await area.write([Buffer.from('x')]);
    await area.close();
    await area.close();
    expect(existsSync(second)).toBe(false);
  });

  it('removes the file of a write the disk refused (ENOSPC), so a retry finds the space again', async () => {
    if (!existsSync('/dev/full')) throw new Error('this test needs /dev/full (Linux) to refuse a write');
    const area = new StagingArea(tmpdir());
    try {
      const dir = await area.open();
      // The area's next file name points at /dev/full, which refuses writes with ENOSPC as a full
      // tmpfs does (there possibly part-way through a block: the file goes either way).
      const next = join(dir, '1.native');
      symlinkSync('/dev/full', next);
      await expect(area.write([Buffer.alloc(4096, 1), Buffer.from('tail')])).rejects.toThrow(/ENOSPC/);
      expect(existsSync(next)).toBe(false);
      const retried = await area.write([Buffer.from('ok')]);
      expect(readFileSync(retried, 'utf8')).toBe('ok');
    } finally {
      await area.close();
    }
  });
});

describe('sweeping directories of dead processes', () => {
  it('removes flowlens-staging-<pid>-* of pids that are gone and keeps the rest', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = mkdtempSync(join(tmpdir(), 'sweep-'));
    for (const name of ['flowlens-staging-111-a', 'flowlens-staging-222-b', 'flowlens-staging-x', 'other']) {
      mkdirSync(join(root, name));
    }
    writeFileSync(join(root, 'flowlens-staging-111-a', '1.native'), 'x');
    const removed = await sweepDead(root, (pid) => pid === 222);
    expect(removed).toBe(1);
    expect(readdirSync(root).sort()).toEqual(['flowlens-staging-222-b', 'flowlens-staging-x', 'other']);
  });

  it('names its own directory after this process', async () => {
    const area = new StagingArea(tmpdir());
    const path = await area.write([Buffer.from('x')]);
    expect(path).toContain(`flowlens-staging-${process.pid}-`);
    await area.close();
  });
});
