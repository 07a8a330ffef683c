import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.js';
import { EVENT_HUBS_SASL_USER, kafkaClientConfig, resolveKafkaSecrets } from './client-config.js';
import { KafkaSourceConfigSchema } from './config.js';

const cs = 'Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=abc=';

describe('kafka client config', () => {
  it('maps the Event Hubs preset to the Kafka endpoint: :9093, SASL_SSL, PLAIN, $ConnectionString', () => {
    const cfg = KafkaSourceConfigSchema.parse({
      type: 'kafka',
      topics: ['insights-logs-flowlogflowevent'],
      eventHubs: { namespace: 'contoso' },
    });
    const secrets = resolveKafkaSecrets(cfg, { EVENTHUBS_CONNECTION_STRING: cs });
    expect(kafkaClientConfig(cfg, secrets)).toMatchObject({
      brokers: ['contoso.servicebus.windows.net:9093'],
      ssl: true,
      sasl: { mechanism: 'plain', username: EVENT_HUBS_SASL_USER, password: cs },
    });
    expect(EVENT_HUBS_SASL_USER).toBe('$ConnectionString');
  });

  it('lets explicit brokers and ssl override the preset (private endpoint, or a test broker without TLS)', () => {
    const cfg = KafkaSourceConfigSchema.parse({
      type: 'kafka',
      topics: ['t'],
      brokers: ['127.0.0.1:9'],
      ssl: false,
      eventHubs: { namespace: 'contoso' },
    });
    const c = kafkaClientConfig(cfg, { connectionString: cs });
    expect(c.brokers).toEqual(['127.0.0.1:9']);
    expect(c.ssl).toBe(false);
  });

  it('maps SCRAM and takes the password from the named environment variable only', () => {
    const cfg = KafkaSourceConfigSchema.parse({
      type: 'kafka',
      topics: ['t'],
      brokers: ['b:9092'],
      sasl: { mechanism: 'scram-sha-512', username: 'u', passwordEnv: 'PW' },
    });
    expect(kafkaClientConfig(cfg, resolveKafkaSecrets(cfg, { PW: 'secret' })).sasl).toEqual({
      mechanism: 'scram-sha-512',
      username: 'u',
      password: 'secret',
    });
    expect(() => resolveKafkaSecrets(cfg, {})).toThrow(ConfigError);
    expect(() =>
      KafkaSourceConfigSchema.parse({
        ...cfg,
        sasl: { mechanism: 'plain', username: 'u', password: 'inline' },
      }),
    ).toThrow();
  });

  it('requires brokers or an Event Hubs namespace', () => {
    expect(KafkaSourceConfigSchema.safeParse({ type: 'kafka', topics: ['t'] }).success).toBe(false);
  });
});
