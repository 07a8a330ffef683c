import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SimulatedRecord } from '../simulation.js';

/**
 * Collects simulated records and writes complete PT1H.json files exactly as Azure leaves them
 * after the hour: `{"records":[` + records separated by `\r\n,` + `]}` (docs/reference/flow-logs.md §1c).
 */
export class DirectoryWriter {
  private readonly blobs = new Map<string, string[]>();

  add(records: SimulatedRecord[]): void {
    for (const r of records) {
      const key = join(r.container, r.blob);
      const list = this.blobs.get(key);
      const text = JSON.stringify(r.record);
      if (list) list.push(text);
      else this.blobs.set(key, [text]);
    }
  }

  /** Writes every blob under `dir`; returns the file paths. */
  flush(dir: string): string[] {
    const paths: string[] = [];
    for (const [key, records] of this.blobs) {
      const path = join(dir, key);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `{"records":[${records.join('\r\n,')}]}`);
      paths.push(path);
    }
    this.blobs.clear();
    return paths;
  }
}
