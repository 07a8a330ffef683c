import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface FileEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * Every regular file under the given paths (directories recursively, symlinks followed), as
 * absolute paths in a stable order, so a re-run visits files and cuts bodies identically.
 * A path that does not exist is an error the caller reports as a usage problem.
 */
export async function listFiles(paths: readonly string[]): Promise<FileEntry[]> {
  const out = new Map<string, FileEntry>();
  for (const p of paths) await visit(resolve(p), out);
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function visit(path: string, out: Map<string, FileEntry>): Promise<void> {
  const s = await stat(path);
  if (s.isFile()) {
    out.set(path, { path, size: s.size, mtimeMs: Math.floor(s.mtimeMs) });
    return;
  }
  if (!s.isDirectory()) return;
  const names = (await readdir(path)).sort();
  for (const name of names) await visit(join(path, name), out);
}
