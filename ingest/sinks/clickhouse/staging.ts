import { closeSync, existsSync, mkdirSync, openSync, rmSync, unlinkSync, writevSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
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

  /**
   * Writes `parts` to a new file (vectored, no copy of the parts) and returns its path. The write
   * is synchronous on purpose: on tmpfs it is a memory copy (≈ 10 ms for 29 MB), while the
   * asynchronous open/mkdir/writev/close took four turns of the main thread, and with in-thread
   * normalizing each turn waited behind a whole body's normalize: the first insert of a 51 MB blob
   * started ≈ 1.1 s late (docs/ingest.md "Threading", issue 16 timeline).
   */
  async write(parts: readonly Buffer[]): Promise<string> {
    const dir = await this.open();
    // Recreated if something removed it meanwhile (e.g. a sweeper in another pid namespace).
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${++this.seq}.native`);
    const fd = openSync(path, 'w');
    try {
      let pending = parts.filter((p) => p.length > 0);
      // writev may write partially; continue from where it stopped.
      while (pending.length > 0) pending = skipBytes(pending, writevSync(fd, pending));
    } catch (err) {
      // A partial file (ENOSPC on a small tmpfs) would shrink the space every retry needs.
      closeSync(fd);
      rmSync(path, { force: true });
      throw err;
    }
    closeSync(fd);
    return path;
  }

  /**
   * Starts creating the directory (sweep, then `mkdtemp`) if not yet begun, and resolves to it. The
   * embedded writer calls it when the sink is created, so the first staging write does not wait for
   * those turns of the main thread either. A failure surfaces in {@link write}.
   */
  open(): Promise<string> {
    if (!this.dir) {
      this.dir = sweepDead(this.root).then(() => mkdtemp(join(this.root, `${PREFIX}${process.pid}-`)));
      this.dir.catch(() => undefined);
    }
    return this.dir;
  }

  /** Synchronous for the same reason as {@link write}: an unlink on tmpfs frees pages, no I/O. */
  async remove(path: string): Promise<void> {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
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
