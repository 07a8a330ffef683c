import { describe, expect, it } from 'vitest';
import { envOverrides, loadConfig } from './load.js';

describe('loadConfig environment overrides', () => {
  it('maps FLOWLENS_<SECTION>_<KEY> and __ levels, parsing numbers', () => {
    const config = loadConfig({
      env: {
        FLOWLENS_DATABASE_URL: 'http://ch:8123',
        FLOWLENS_DATABASE_RETENTION__RAW_DAYS: '7',
        FLOWLENS_INGEST_BATCH_ROWS: '5000',
      },
    });
    expect(config.database.url).toBe('http://ch:8123');
    expect(config.database.retention.rawDays).toBe(7);
    expect(config.ingest.batchRows).toBe(5000);
  });

  it('ignores FLOWLENS_* names that are not config sections (CLI aliases, named secrets)', () => {
    const env = {
      FLOWLENS_CLICKHOUSE_URL: 'http://clickhouse:8123',
      FLOWLENS_CLICKHOUSE_PASSWORD: 'p',
      FLOWLENS_BLOB_SAS_URL: 'https://acct.blob.core.windows.net/?sig=x',
      FLOWLENS_DEMO_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    };
    expect(envOverrides(env)).toEqual({});
    expect(() => loadConfig({ env })).not.toThrow();
  });

  it('keeps values of string fields as strings even when they look like JSON', () => {
    const config = loadConfig({
      env: { FLOWLENS_DATABASE_PASSWORD: '123456', FLOWLENS_DATABASE_USERNAME: 'true' },
    });
    expect(config.database.password).toBe('123456');
    expect(config.database.username).toBe('true');
  });
});
