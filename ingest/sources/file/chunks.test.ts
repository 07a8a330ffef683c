import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../../../test/harness/fixtures.js';
import { type FileChunk, fileChunks } from './chunks.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function chunksOf(content: string | Buffer, chunkBytes: number, maxBodyBytes = 1 << 20) {
  const path = join(dir, `f${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, content);
  const out: FileChunk[] = [];
  for await (const c of fileChunks(path, Buffer.byteLength(content), { chunkBytes, maxBodyBytes }))
    out.push(c);
  return out;
}

/** A body is a run of records with separators (leading comma allowed), or NDJSON lines. */
const parseBody = (body: Buffer): unknown[] =>
  JSON.parse(
    `[${body
      .toString('utf8')
      .replace(/^\s*,/, '')
      .replace(/}\s*\n\s*{/g, '},{')}]`,
  );

const record = (i: number) => ({
  time: `t${i}`,
  note: `brace } and quote " and [ in ${i}`,
  tuples: [`${i},a,b`],
});
const blob = (n: number) =>
  `{"records":[${Array.from({ length: n }, (_, i) => JSON.stringify(record(i))).join('\r\n,')}]}`;

describe('fileChunks', () => {
  it('returns a small file whole, unscanned', async () => {
    const text = blob(3);
    const chunks = await chunksOf(text, 1 << 20);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.body.toString()).toBe(text);
    expect([chunks[0]!.start, chunks[0]!.end]).toEqual([0, text.length]);
  });

  it.each([40, 97, 150, 1000])('cuts a blob at record boundaries (chunks of %i bytes)', async (size) => {
    const text = blob(25);
    const chunks = await chunksOf(text, size);
    expect(chunks.length).toBeGreaterThan(1);
    const records = chunks.flatMap((c) => parseBody(c.body));
    expect(records).toEqual(Array.from({ length: 25 }, (_, i) => record(i)));
    // Ranges are exact, contiguous and cover everything between head and tail.
    expect(chunks[0]!.start).toBe('{"records":['.length);
    for (const c of chunks) expect(text.slice(c.start, c.end)).toBe(c.body.toString());
    for (let k = 1; k < chunks.length; k++) expect(chunks[k]!.start).toBe(chunks[k - 1]!.end);
    expect(text.slice(chunks.at(-1)!.end)).toBe(']}');
    for (const c of chunks) expect(c.body.at(-1)).toBe(0x7d);
  });

  it('gives the same ranges on every read', async () => {
    const text = blob(30);
    const a = (await chunksOf(text, 128)).map((c) => [c.start, c.end]);
    const b = (await chunksOf(text, 128)).map((c) => [c.start, c.end]);
    expect(a).toEqual(b);
  });

  it('cuts a real Azure blob fixture split across chunk edges', async () => {
    const buf = fixture('sumologic_nsg-v2_PT1H_real.json');
    const expected = (JSON.parse(buf.toString()) as { records: unknown[] }).records;
    const chunks = await chunksOf(buf, 1500);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.flatMap((c) => parseBody(c.body))).toEqual(expected);
  });

  it('cuts NDJSON between lines and JSON arrays between elements', async () => {
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify(record(i))).join('\n');
    const nd = await chunksOf(`${lines}\n`, 100);
    expect(nd.flatMap((c) => parseBody(c.body))).toHaveLength(12);
    const arr = await chunksOf(
      `[${Array.from({ length: 12 }, (_, i) => JSON.stringify(record(i))).join(',')}]`,
      100,
    );
    expect(arr.flatMap((c) => parseBody(c.body))).toHaveLength(12);
  });

  it('hands a truncated last record over as its own body (it becomes a reject downstream)', async () => {
    const text = blob(5).slice(0, -30);
    const chunks = await chunksOf(text, 64);
    const last = chunks.at(-1)!;
    expect(last.end).toBe(text.length);
    expect(() => parseBody(last.body)).toThrow();
    expect(chunks.slice(0, -1).flatMap((c) => parseBody(c.body))).toHaveLength(4);
  });

  it('cuts a record bigger than the body cap as is and resumes at the next record', async () => {
    const big = JSON.stringify({ time: 'big', pad: 'x'.repeat(500) });
    const text = `{"records":[${JSON.stringify(record(0))},${big},${JSON.stringify(record(1))}]}`;
    const chunks = await chunksOf(text, 50, 200);
    expect(chunks.map((c) => c.body.toString()).join('')).toBe(text.slice(12, -2));
    expect(parseBody(chunks.at(-1)!.body)).toEqual([record(1)]);
  });

  it('yields nothing for an empty file', async () => {
    expect(await chunksOf('', 64)).toEqual([]);
  });
});
