import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config/load.js';
import { poolFromConfig, workerCount } from './from-config.js';

describe('ingest.workers', () => {
  it('defaults to auto: cores − 1 threads, up to 4, none on one core', () => {
    const config = loadConfig({ env: {} });
    expect(config.ingest.workers).toBe('auto');
    expect([1, 2, 3, 8].map((cores) => workerCount('auto', cores))).toEqual([0, 1, 2, 4]);
  });

  it('takes a number from the environment, 0 meaning in-thread (no pool)', () => {
    expect(loadConfig({ env: { FLOWLENS_INGEST_WORKERS: '3' } }).ingest.workers).toBe(3);
    const inThread = loadConfig({ env: { FLOWLENS_INGEST_WORKERS: '0' } });
    expect(workerCount(inThread.ingest.workers, 16)).toBe(0);
    expect(poolFromConfig(inThread)).toBeUndefined();
  });

  it('refuses what is not a thread count', () => {
    expect(() => loadConfig({ env: { FLOWLENS_INGEST_WORKERS: '-1' } })).toThrow(/workers/);
    expect(() => loadConfig({ env: { FLOWLENS_INGEST_WORKERS: 'many' } })).toThrow(/workers/);
  });

  it('starts a pool of that many threads', async () => {
    const pool = poolFromConfig(loadConfig({ env: { FLOWLENS_INGEST_WORKERS: '1' } }));
    try {
      expect(pool?.size).toBe(1);
      const r = await pool!.run('plain', Buffer.from('{"records":[]}'), { source: 'file:/x' });
      expect(r.records).toBe(0);
      expect(pool!.inThread).toBe(false);
    } finally {
      await pool?.close();
    }
  });
});
