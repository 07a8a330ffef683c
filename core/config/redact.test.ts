import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('masks secrets at any depth and keeps the rest', () => {
    const out = redactSecrets({
      database: { url: 'http://ch:8123', password: 'p' },
      sources: [{ type: 'blob', connectionString: 'DefaultEndpointsProtocol=…', containers: ['a'] }],
      alerts: { webhook: { secret: 's', url: 'http://x' } },
      api: { keys: [{ name: 'a', keyHash: 'abc' }] },
    });
    expect(out).toEqual({
      database: { url: 'http://ch:8123', password: '***' },
      sources: [{ type: 'blob', connectionString: '***', containers: ['a'] }],
      alerts: { webhook: { secret: '***', url: 'http://x' } },
      api: { keys: [{ name: 'a', keyHash: '***' }] },
    });
  });

  it('keeps flags and settings whose names only contain a secret word', () => {
    const out = redactSecrets({
      auth: { credentialed: true, credentials: 'c', azureCredential: 'x' },
      kafka: { sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' }, saslMechanism: 'plain' },
      blob: { sasToken: 'sv=1', containerSas: 'sv=2' },
    });
    expect(out).toEqual({
      auth: { credentialed: true, credentials: '***', azureCredential: '***' },
      kafka: { sasl: { mechanism: 'scram-sha-512', username: 'u', password: '***' }, saslMechanism: 'plain' },
      blob: { sasToken: '***', containerSas: '***' },
    });
  });
});

describe('redactSecrets on URLs', () => {
  it('masks passwords in URLs, query strings and Slack webhook paths, keeps plain URLs', () => {
    const out = redactSecrets({
      database: { url: 'https://flowlens:hunter2@ch.example:8443' },
      blob: { accountUrl: 'https://acct.blob.core.windows.net' },
      channels: [
        { type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/XXXXSECRET' },
        {
          type: 'teams',
          url: 'https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SECRETSIG',
        },
        { type: 'webhook', url: 'http://hooks.internal/flowlens' },
      ],
    });
    const text = JSON.stringify(out);
    for (const secret of ['hunter2', 'XXXXSECRET', 'SECRETSIG']) expect(text).not.toContain(secret);
    expect(out).toEqual({
      database: { url: 'https://flowlens:***@ch.example:8443/' },
      blob: { accountUrl: 'https://acct.blob.core.windows.net' },
      channels: [
        { type: 'slack', url: 'https://hooks.slack.com/***' },
        {
          type: 'teams',
          url: 'https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?***',
        },
        { type: 'webhook', url: 'http://hooks.internal/flowlens' },
      ],
    });
  });
});
