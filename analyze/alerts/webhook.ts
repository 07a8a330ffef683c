import { createHmac } from 'node:crypto';
import type { Finding } from '../../core/finding.js';
import type { AlertChannel } from './channel.js';
import { findingLink } from './channel.js';
import { postBody } from './http.js';

/** HMAC-SHA256 of the raw body, hex, as sent in `X-Flowlens-Signature: sha256=<hex>` (GitHub-style). */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Generic webhook: the Finding JSON (core/finding.ts) in an envelope. Receivers verify the
 * signature over the exact bytes received before parsing.
 * @see https://docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries (same scheme)
 */
export function webhookChannel(opts: {
  name: string;
  url: string;
  secret?: string | undefined;
  headers?: Record<string, string>;
  publicUrl?: string | undefined;
}): AlertChannel {
  const render = (f: Finding) =>
    JSON.stringify({
      type: 'flowlens.finding',
      version: 1,
      link: findingLink(f, opts.publicUrl) ?? null,
      finding: f,
    });
  return {
    name: opts.name,
    type: 'webhook',
    render,
    async send(f, signal) {
      const body = render(f);
      const headers: Record<string, string> = { ...(opts.headers ?? {}), 'x-flowlens-event': 'finding' };
      if (opts.secret) headers['x-flowlens-signature'] = signBody(opts.secret, body);
      await postBody(opts.url, body, headers, signal);
    },
    close: async () => {},
  };
}
