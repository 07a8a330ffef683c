import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where staged Native files go: the configured staging dir when set (an operator may point it at a
 * bigger tmpfs; Docker's default /dev/shm is 64 MB, and a block stages ~115 bytes per row: ~29 MB for
 * 250 k rows); else tmpfs (`/dev/shm`) when present, so "writing a file" is a memory copy the engine
 * reads back at once; else the OS temp dir. Always absolute: the engine
 * resolves a relative `file()` path against its own `user_files` directory, not our working directory.
 */
export function defaultStagingRoot(configured?: string): string {
  if (configured) return resolve(configured);
  return existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
}

/**
 * A private directory of staged files (`flowlens-staging-<pid>-…`), created on first use and removed
 * by {@link StagingArea.close}. Every file is removed right after its insert, success or not. A
 * process that dies cannot clean up, so the first use also removes the directories of processes that
 * no longer exist (tmpfs is memory).
 */
export class StagingArea {
  private dir: Promise<string> | undefined;
  private seq = 0;

  constructor(private readonly root: string) {}

  /** Writes `parts` to a new file (one vectored write, no copy of the parts) and returns its path. */
  async write(parts: readonly Buffer[]): Promise<string> {
    this.dir ??= sweepDead(this.root).then(() => mkdtemp(join(this.root, `${PREFIX}${process.pid}-`)));
    const dir = await this.dir;
    // Recreated if something removed it meanwhile (e.g. a sweeper in another pid namespace).
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${++this.seq}.native`);
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

const PREFIX = 'flowlens-staging-';

/** Removes staging directories left by processes that are gone. Best effort; never throws. */
export async function sweepDead(root: string, alive: (pid: number) => boolean = isAlive): Promise<number> {
  let removed = 0;
  const names = await readdir(root).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^flowlens-staging-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    await rm(join(root, name), { recursive: true, force: true }).catch(() => undefined);
    removed++;
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
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
