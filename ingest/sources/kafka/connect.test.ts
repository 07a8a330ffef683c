import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../../core/errors.js';
import { KafkaSourceConfigSchema } from './config.js';
import { classifyConnectError } from './connect.js';

// kafkajs is CommonJS and spreads its error classes into module.exports: reach them via the default export.
const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } = kafkajs;
// Its typings declare this constructor without the message argument it takes.
const SaslError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;
const eventHubs = KafkaSourceConfigSchema.parse({
  type: 'kafka',
  topics: ['t'],
  eventHubs: { namespace: 'contoso' },
});
const scram = KafkaSourceConfigSchema.parse({
  type: 'kafka',
  topics: ['t'],
  brokers: ['k1:9093', 'k2:9093'],
  sasl: { mechanism: 'scram-sha-512', username: 'svc' },
});
const exhausted = (message: string) =>
  new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError(message), { retryCount: 8, retryTime: 5000 });

describe('classifyConnectError', () => {
  it('names the broker, the user and the environment variable of a refused login, never the secret', () => {
    const err = classifyConnectError(
      new SaslError('SASL PLAIN authentication failed: Invalid username or password'),
      eventHubs,
      true,
    );
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toBe(
      'kafka source: authentication refused by contoso.servicebus.windows.net:9093 (user $ConnectionString, password = the Event Hubs connection string from $EVENTHUBS_CONNECTION_STRING): SASL PLAIN authentication failed: Invalid username or password',
    );
    const s = classifyConnectError(new SaslError('SCRAM failed'), scram, false);
    expect((s as Error).message).toMatch(
      /refused by k1:9093,k2:9093 \(user svc, password from \$KAFKA_SASL_PASSWORD\)/,
    );
  });

  it('hints at a TLS/plaintext mismatch when the connection was only ever closed', () => {
    const off = classifyConnectError(exhausted('Closed connection'), scram, false);
    expect(off).toBeInstanceOf(TransientError);
    expect((off as Error).message).toBe(
      'kafka source: cannot connect to k1:9093,k2:9093 (TLS off): Closed connection — if this listener uses TLS (SSL or SASL_SSL; the Event Hubs endpoint always does), set ssl',
    );
    const on = classifyConnectError(
      exhausted(
        'Connection error: Client network socket disconnected before secure TLS connection was established',
      ),
      scram,
      true,
    );
    expect((on as Error).message).toMatch(/\(TLS on\): .* — is this a TLS \(SSL or SASL_SSL\) listener\?$/);
  });

  it('keeps other connection failures plain, and passes unrelated errors through untouched', () => {
    const refused = classifyConnectError(
      exhausted('Connection error: connect ECONNREFUSED 10.0.0.1:9093'),
      scram,
      true,
    );
    expect((refused as Error).message).toBe(
      'kafka source: cannot connect to k1:9093,k2:9093 (TLS on): Connection error: connect ECONNREFUSED 10.0.0.1:9093',
    );
    const other = new Error('boom');
    expect(classifyConnectError(other, scram, true)).toBe(other);
    expect(classifyConnectError('text', scram, true)).toBe('text');
  });
});
