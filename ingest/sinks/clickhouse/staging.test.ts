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
    const dir = await area.open();
    // The area's next file name points at /dev/full, which fails every write with ENOSPC, as a full
    // tmpfs does part-way through a block.
    const next = join(dir, '1.native');
    symlinkSync('/dev/full', next);
    await expect(area.write([Buffer.alloc(4096, 1), Buffer.from('tail')])).rejects.toThrow(/ENOSPC/);
    expect(existsSync(next)).toBe(false);
    const retried = await area.write([Buffer.from('ok')]);
    expect(readFileSync(retried, 'utf8')).toBe('ok');
    await area.close();
  });
});
