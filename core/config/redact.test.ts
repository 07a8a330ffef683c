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
});
