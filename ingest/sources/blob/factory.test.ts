import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../core/config/load.js';
import { ConfigError } from '../../../core/errors.js';
import { SOURCES } from '../registry.js';
import { BlobSourceConfigSchema } from './config.js';
import { blobAuthFromArgument, resolveBlobAuth } from './factory.js';

describe('blob source config', () => {
  it('defaults to both flow-log containers, a 30 s poll and leases', () => {
    // The config the CLI loads composes the kinds' schemas from the registry, defaults filled in.
    const cfg = parseConfig(
      { sources: [{ type: 'blob', auth: { method: 'connection-string' } }] },
      SOURCES.configSchema,
    );
    expect(cfg.sources[0]?.type).toBe('blob');
    const blob = BlobSourceConfigSchema.parse(cfg.sources[0]);
    expect(blob.containers).toEqual([
      'insights-logs-networksecuritygroupflowevent',
      'insights-logs-flowlogflowevent',
    ]);
    expect(blob.pollIntervalSeconds).toBe(30);
    expect(blob.leases).toEqual({ enabled: true, container: 'flowlens-leases', durationSeconds: 60 });
    expect(blob.auth).toEqual({
      method: 'connection-string',
      connectionStringEnv: 'AZURE_STORAGE_CONNECTION_STRING',
    });
  });

  it('refuses a secret written into the file', () => {
    const r = BlobSourceConfigSchema.safeParse({
      type: 'blob',
      auth: { method: 'connection-string', connectionString: 'AccountName=x;AccountKey=y' },
    });
    expect(r.success).toBe(false);
  });

  it('lists every problem at once', () => {
    expect(() =>
      parseConfig(
        { sources: [{ type: 'blob', auth: { method: 'account-key' }, pollIntervalSeconds: 0 }] },
        SOURCES.configSchema,
      ),
    ).toThrow(/accountUrl[\s\S]*pollIntervalSeconds|pollIntervalSeconds[\s\S]*accountUrl/);
  });

  it('resolves secrets from the environment it is given and names a missing variable', () => {
    const auth = { method: 'sas-url' as const, sasUrlEnv: 'MY_SAS' };
    expect(resolveBlobAuth(auth, { MY_SAS: 'https://a.blob.core.windows.net/?sv=1' })).toEqual({
      method: 'sas-url',
      url: 'https://a.blob.core.windows.net/?sv=1',
    });
    expect(() => resolveBlobAuth(auth, {})).toThrow(ConfigError);
    expect(() => resolveBlobAuth(auth, {})).toThrow(/MY_SAS/);
  });

  it('tells a SAS URL from a connection string on the command line', () => {
    expect(blobAuthFromArgument('https://acct.blob.core.windows.net/c?sv=x').method).toBe('sas-url');
    expect(blobAuthFromArgument('UseDevelopmentStorage=true').method).toBe('connection-string');
  });
});
