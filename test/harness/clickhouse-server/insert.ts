import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine, EngineResult } from './engine.js';
import { ClickHouseHttpError } from './errors.js';
import { isInsertWithData, type ParsedRequest } from './request.js';

/** Runs the statement; insert data is staged to a file and read back with `file()`. */
export async function execute(
  engine: Engine,
  req: ParsedRequest,
  staging: string,
  seq: number,
): Promise<EngineResult> {
  const stmt = {
    settings: req.settings,
    params: req.params,
    database: req.database,
    format: req.defaultFormat,
  };
  if (!isInsertWithData(req.sql)) return engine.run({ ...stmt, sql: req.sql });
  if (req.data.length === 0) return { bytes: Buffer.alloc(0), elapsed: 0, rowsRead: 0, bytesRead: 0 };
  const path = join(staging, `${seq}.body`);
  writeFileSync(path, req.data);
  try {
    return await engine.run({ ...stmt, sql: insertFromFile(req.sql, path) });
  } finally {
    rmSync(path, { force: true });
  }
}

const INPUT_INSERT = /^(.*)\binput\s*\(\s*('(?:[^'\\]|\\.)*')\s*\)\s*FORMAT\s+(\w+)\s*;?\s*$/is;
const PLAIN_INSERT = /^\s*(INSERT\s+INTO\s+.+?)\s+FORMAT\s+(\w+)\s*;?\s*$/is;

/** `INSERT … FORMAT X` (+ data) as `INSERT … SELECT … FROM file(path, X)`, same columns and mapping. */
export function insertFromFile(sql: string, path: string): string {
  const file = `'${path.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const input = INPUT_INSERT.exec(sql);
  if (input) return `${input[1]}file(${file}, '${input[3]}', ${input[2]})`;
  const plain = PLAIN_INSERT.exec(sql);
  if (!plain) throw new ClickHouseHttpError(62, `Cannot parse the insert statement: ${sql.slice(0, 200)}`);
  // The insertion table's structure is used for the file, so text formats match columns by name.
  return `${plain[1]} SELECT * FROM file(${file}, '${plain[2]}') SETTINGS use_structure_from_insertion_table_in_table_functions = 1`;
}
