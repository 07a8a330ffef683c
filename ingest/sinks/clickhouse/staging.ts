import { existsSync } from 'node:fs';
import { mkdtemp, open, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where staged Native files go: the configured staging dir when set (an operator may point it at a
 * bigger tmpfs; Docker's default /dev/shm is 64 MB, and one 100 k-row block stages about 8 MB); else
 * tmpfs (`/dev/shm`) when present, so "writing a file" is a memory copy the engine reads back at
 * once; else the OS temp dir. Always absolute: the engine
 * resolves a relative `file()` path against its own `user_files` directory, not our working directory.
 */
export function defaultStagingRoot(configured?: string): string {
  if (configured) return resolve(configured);
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/**
 * A private directory of staged files, created on first use and removed by {@link StagingArea.close}.
 * Every file is removed right after its insert, success or not.
 */
export class StagingArea {
  private dir: Promise<string> | undefined;
  private seq = 0;

  constructor(private readonly root: string) {}

  /** Writes `parts` to a new file (one vectored write, no copy of the parts) and returns its path. */
  async write(parts: readonly Buffer[]): Promise<string> {
    this.dir ??= mkdtemp(join(this.root, 'flowlens-staging-'));
    const path = join(await this.dir, `${++this.seq}.native`);
    const handle = await open(path, 'w');
    try {
      let pending = parts.filter((p) => p.length > 0);
      // writev may write partially; continue from where it stopped.
      while (pending.length > 0) {
        const { bytesWritten } = await handle.writev(pending);
        pending = skipBytes(pending, bytesWritten);
      }
    } finally {
      await handle.close();
    }
    return path;
  }

  async remove(path: string): Promise<void> {
    await unlink(path).catch(() => undefined);
  }

  /** Idempotent. */
  async close(): Promise<void> {
    const dir = this.dir;
    this.dir = undefined;
    if (dir) await rm(await dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function skipBytes(parts: Buffer[], n: number): Buffer[] {
  let left = n;
  const out: Buffer[] = [];
  for (const p of parts) {
    if (left >= p.length) {
      left -= p.length;
      continue;
    }
    out.push(left > 0 ? p.subarray(left) : p);
    left = 0;
  }
  return out;
}
