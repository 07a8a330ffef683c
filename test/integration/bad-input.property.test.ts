import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalize } from '../../ingest/normalizers/index.js';
import { runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import { noFilePositions } from '../../ingest/sources/file/positions.js';
import { createFileSource } from '../../ingest/sources/file/source.js';
import { openTestDb, rows } from '../harness/chdb.js';

/**
 * Bad input never stops a run (issue 11 part 8), through the whole pipeline: file source →
 * normalizer → ClickHouse sink on real chDB, rejects table included. Inputs: random bytes, random
 * Unicode (astral planes, lone surrogates, NULs) written raw and JSON-escaped, valid NSG records
 * whose tuples carry that Unicode, and truncations of them. Every run must end without error, the
 * database must hold exactly the rows and rejects the run reports, and every tuple of an intact
 * record must be one stored row or one stored tuple reject.
 */
type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
const work = mkdtempSync(join(tmpdir(), 'flowlens-bad-input-prop-'));
beforeAll(async () => {
  db = await openTestDb();
});
afterAll(async () => {
  await db.close();
  rmSync(work, { recursive: true, force: true });
});

const VALID = '1700000000,203.0.113.9,10.0.0.4,51000,443,T,I,A,B,,,,';
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\uD83D', '\uDE00', '😀', '\u0000', '\uFFFF', '𝔘𝔫𝔦', '"', '\\', '\u2028'),
);
/** An NSG v2 record whose tuples are valid, or valid with random Unicode spliced in. */
const record = fc
  .array(fc.tuple(fc.boolean(), nasty, fc.nat(60)), { minLength: 1, maxLength: 8 })
  .map((ts) => {
    const tuples = ts.map(([poison, text, at]) =>
      poison ? VALID.slice(0, at) + text + VALID.slice(at) : VALID,
    );
    return {
      time: '2023-11-14T22:14:00.1234567Z',
      resourceId: '/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/N',
      category: 'NetworkSecurityGroupFlowEvent',
      properties: {
        Version: 2,
        flows: [{ rule: 'UserRule_X', flows: [{ mac: '000D3A1B2C3D', flowTuples: tuples }] }],
      },
    };
  });
/** JSON.stringify escapes lone surrogates; this writes them as raw bytes (WTF-8: invalid UTF-8). */
const raw = (text: string) =>
  Buffer.concat(
    [...text].map((ch) => {
      const cp = ch.codePointAt(0)!;
      if (cp < 0xd800 || cp > 0xdfff) return Buffer.from(ch, 'utf8');
      return Buffer.from([0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]);
    }),
  );

let run = 0;

describe('bad input through the whole pipeline (real chDB)', { timeout: 600_000 }, () => {
  it('every run ends without error and accounts for every tuple', async () => {
    await fc.assert(
      fc.asyncProperty(
        record,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.uint8Array({ maxLength: 3000 }),
        fc.string({ unit: 'binary', maxLength: 600 }),
        async (rec, cut, bytes, text) => {
          const dir = join(work, `run-${run++}`);
          mkdirSync(dir);
          const intact = JSON.stringify({ records: [rec] });
          const files: Record<string, Buffer | string> = {
            'a-intact.json': intact,
            'b-truncated.json': Buffer.from(intact).subarray(0, Math.floor(cut * intact.length)),
            'c-bytes.json': Buffer.from(bytes),
            'd-unicode.json': text,
            'e-raw-unicode.json': raw(`{"records":[{"time":"${text}","x":"${text}"}]}`),
            'f-escaped-unicode.json': JSON.stringify({
              records: [{ time: text, properties: { flows: text } }],
            }),
          };
          for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);

          const sink = createClickHouseSink({ db });
          const result = await runPipeline({
            source: createFileSource({ paths: [dir], positions: noFilePositions, onNote: () => {} }),
            normalize,
            sink,
            signal: new AbortController().signal,
          }).finally(() => sink.close());
          expect(result.error).toBeUndefined();

          const under = { p: `${dir}/` };
          const [stored] = await rows<{ n: string }>(
            db,
            'SELECT count() AS n FROM flows WHERE startsWith(source, {p:String})',
            {
              p: `file:${dir}/`,
            },
          );
          const rejected = await rows<{ source: string; tuple_index: number; excerpt: string }>(
            db,
            'SELECT source, tuple_index, excerpt FROM rejects WHERE startsWith(source, {p:String})',
            under,
          );
          expect(Number(stored!.n)).toBe(result.rows);
          expect(rejected).toHaveLength(result.rejects);

          const intactPath = join(dir, 'a-intact.json');
          const [intactRows] = await rows<{ n: string }>(
            db,
            'SELECT count() AS n FROM flows WHERE source = {s:String}',
            {
              s: `file:${intactPath}`,
            },
          );
          const intactRejects = rejected.filter((r) => r.source === intactPath && r.tuple_index >= 0);
          expect(Number(intactRows!.n) + intactRejects.length).toBe(
            rec.properties.flows[0]!.flows[0]!.flowTuples.length,
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});
