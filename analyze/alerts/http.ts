import { PermanentError, TransientError } from '../../core/errors.js';

/**
 * POSTs a body and classifies the outcome: 2xx ok; 408/429/5xx and network errors are transient
 * (retried); other statuses are permanent (bad URL, revoked webhook) and go to the dead letter.
 */
export async function postBody(
  url: string,
  body: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<void> {
  let res: Response;
  try {
    const timeout = AbortSignal.timeout(15_000);
    res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    throw new TransientError(`POST ${redact(url)} failed: ${(err as Error).message}`, { cause: err });
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return;
  const message = `POST ${redact(url)}: HTTP ${res.status} ${text.slice(0, 200)}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) throw new TransientError(message);
  throw new PermanentError(message);
}

/** Webhook URLs carry their secret in the path (Slack, Teams): keep only scheme, host and port. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return '(invalid url)';
  }
}
