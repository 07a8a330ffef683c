import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStagingRoot, StagingArea } from './staging.js';

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
});
