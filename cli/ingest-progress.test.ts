import { describe, expect, it } from 'vitest';
import { humanBytes, summaryLine } from './ingest-progress.js';

describe('ingest summary', () => {
  it('prints one line with files, records, tuples stored, duplicates, rejects and rate', () => {
    expect(
      summaryLine({
        files: 3,
        skippedFiles: 1,
        bytes: 51_400_000,
        records: 60,
        tuples: 800_000,
        duplicates: 0,
        rejects: 2,
        duplicateRejects: 0,
        seconds: 2,
      }),
    ).toBe(
      'ingested 3 files (1 skipped, already ingested): 51.4 MB, 60 records, 800000 tuples stored, 2 rejects in 2.0 s (400000 rows/s)',
    );
    expect(
      summaryLine({
        files: 1,
        skippedFiles: 0,
        bytes: 900,
        records: 1,
        tuples: 0,
        duplicates: 7,
        rejects: 0,
        duplicateRejects: 2,
        seconds: 0,
      }),
    ).toBe(
      'ingested 1 file: 900 B, 1 records, 0 tuples stored, 7 already stored (duplicate range, not stored again), 0 rejects (2 more already stored) in 0.0 s (0 rows/s)',
    );
  });

  it.each([
    [0, '0 B'],
    [14_000, '14.0 kB'],
    [51_385_329, '51.4 MB'],
    [1_030_000_000, '1.03 GB'],
  ])('humanBytes(%i) = %s', (n, text) => {
    expect(humanBytes(n)).toBe(text);
  });
});
