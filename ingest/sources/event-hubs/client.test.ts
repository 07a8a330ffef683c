import type { TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.js';
import { resolveEventHubsSecrets, startPosition } from './client.js';
import { EventHubsSourceConfigSchema } from './config.js';

const credential: TokenCredential = { getToken: async () => null };
const base = { type: 'event-hubs', checkpoint: { container: 'cp-test' } } as const;

describe('event-hubs config and secrets', () => {
  it('needs a connection string env or namespace + hub', () => {
    const bad = EventHubsSourceConfigSchema.safeParse({
      ...base,
      checkpoint: { container: 'cp-test', connectionStringEnv: 'S' },
    });
    expect(bad.success).toBe(false);
    const ok = EventHubsSourceConfigSchema.parse({
      ...base,
      namespace: 'ns.servicebus.windows.net',
      hub: 'flowlogs',
      checkpoint: { container: 'cp-test', accountUrl: 'https://acct.blob.core.windows.net' },
    });
    expect(ok.consumerGroup).toBe('$Default');
    expect(ok.startPosition).toBe('earliest');
  });

  it('reads secrets from the given env only and lists every missing variable', () => {
    const config = EventHubsSourceConfigSchema.parse({
      ...base,
      connectionStringEnv: 'EH',
      checkpoint: { container: 'cp-test', connectionStringEnv: 'ST' },
    });
    expect(() => resolveEventHubsSecrets(config, {}, () => credential)).toThrow(ConfigError);
    try {
      resolveEventHubsSecrets(config, {}, () => credential);
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
    const secrets = resolveEventHubsSecrets(
      config,
      { EH: 'Endpoint=sb://x/;', ST: 'UseDevelopmentStorage=true' },
      () => {
        throw new Error('no credential needed');
      },
    );
    expect(secrets).toEqual({
      connectionString: 'Endpoint=sb://x/;',
      checkpointConnectionString: 'UseDevelopmentStorage=true',
    });
  });

  it('uses a credential for Entra ID parts', () => {
    const config = EventHubsSourceConfigSchema.parse({
      ...base,
      namespace: 'ns.servicebus.windows.net',
      hub: 'flowlogs',
      checkpoint: { container: 'cp-test', accountUrl: 'https://acct.blob.core.windows.net' },
    });
    expect(resolveEventHubsSecrets(config, {}, () => credential).credential).toBe(credential);
  });

  it('maps start positions', () => {
    expect(startPosition('earliest')).toEqual({ offset: '-1' });
    expect(startPosition('latest')).toEqual({ offset: '@latest' });
    expect(startPosition('2026-01-01T00:00:00Z')).toEqual({ enqueuedOn: new Date('2026-01-01T00:00:00Z') });
  });
});
