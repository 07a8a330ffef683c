import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { errorMessage } from '../../../core/errors.js';

export interface FileEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Called with a one-line note for each entry skipped while listing (the run goes on). */
export type WalkNote = (path: string, note: string) => void;

/**
 * Every regular file under the given paths (directories recursively, symlinks followed), as
 * absolute paths in a stable order, so a re-run visits files and cuts bodies identically.
 * A given path that does not exist is an error the caller reports as a usage problem. Inside a
 * directory, an entry that cannot be read (a symlink loop, a dangling link, no permission) and a
 * directory reached a second time through a link are skipped with a note: one bad entry must not
 * keep the valid files beside it from being ingested.
 */
export async function listFiles(paths: readonly string[], onNote: WalkNote = () => {}): Promise<FileEntry[]> {
  const out = new Map<string, FileEntry>();
  const seenDirs = new Set<string>();
  for (const p of paths) await visit(resolve(p), { out, seenDirs, onNote }, true);
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

interface Walk {
  out: Map<string, FileEntry>;
  /** Real paths of the directories entered, so a link back up the tree is not followed forever. */
  seenDirs: Set<string>;
  onNote: WalkNote;
}

async function visit(path: string, walk: Walk, given: boolean): Promise<void> {
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(path);
  } catch (err) {
    if (given) throw err;
    walk.onNote(path, `skipped: ${reason(err)}`);
    return;
  }
  if (s.isFile()) {
    walk.out.set(path, { path, size: s.size, mtimeMs: Math.floor(s.mtimeMs) });
    return;
  }
  if (!s.isDirectory()) return;
  const real = await realpath(path);
  if (walk.seenDirs.has(real)) {
    walk.onNote(path, `skipped: directory already visited as ${real} (symlink loop)`);
    return;
  }
  walk.seenDirs.add(real);
  let names: string[];
  try {
    names = (await readdir(path)).sort();
  } catch (err) {
    if (given) throw err;
    walk.onNote(path, `skipped: ${reason(err)}`);
    return;
  }
  for (const name of names) await visit(join(path, name), walk, false);
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return 'symlink loop';
  if (code === 'ENOENT') return 'dangling symlink';
  return code ?? errorMessage(err);
}
