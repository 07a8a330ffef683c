import type { KafkaConfig } from 'kafkajs';
import { errorMessage, PermanentError, TransientError } from '../../../core/errors.js';
import { EVENT_HUBS_SASL_USER } from './client-config.js';
import type { KafkaSourceConfig } from './config.js';
import { tlsPreflight } from './tls-preflight.js';

/**
 * Connects a kafkajs client (admin or consumer) with errors a user can act on: with TLS on, a
 * handshake check first (tls-preflight.ts: an untrusted certificate fails at once instead of after
 * kafkajs' retries), and a refused SASL login becomes a {@link PermanentError} that names the
 * mechanism, the user and where the secret came from. Anything else passes through unchanged
 * (kafkajs already retried it).
 * @see https://kafka.js.org/docs/configuration#ssl
 */
export async function connectChecked(
  cfg: KafkaSourceConfig,
  client: KafkaConfig,
  connect: () => Promise<void>,
): Promise<void> {
  const brokers = Array.isArray(client.brokers) ? client.brokers : [];
  if (client.ssl) await tlsPreflight(brokers, client.ssl === true ? {} : client.ssl);
  try {
    await connect();
  } catch (err) {
    throw classifyConnectError(err, cfg, Boolean(client.ssl));
  }
}

/**
 * kafkajs reports a refused login as `KafkaJSSASLAuthenticationError` (not retried), and a
 * connection that failed through all retries as `KafkaJSNumberOfRetriesExceeded` caused by a
 * `KafkaJSConnection*Error`. A TLS/plaintext mismatch shows only as a closed connection, so that
 * case gets a hint.
 */
export function classifyConnectError(err: unknown, cfg: KafkaSourceConfig, tls: boolean): unknown {
  if (!(err instanceof Error)) return err;
  const brokers = cfg.brokers.join(',') || `${cfg.eventHubs?.namespace}.servicebus.windows.net:9093`;
  if (err.name === 'KafkaJSSASLAuthenticationError') return authError(err, cfg, brokers);
  const conn = err.name === 'KafkaJSNumberOfRetriesExceeded' ? err.cause : err;
  if (!(conn instanceof Error) || !conn.name.startsWith('KafkaJSConnection')) return err;
  return new TransientError(
    `kafka source: cannot connect to ${brokers} (TLS ${tls ? 'on' : 'off'}): ${conn.message}${mismatchHint(conn.message, tls)}`,
    { cause: err },
  );
}

function mismatchHint(message: string, tls: boolean): string {
  if (!/Closed connection|closed by the server|before secure TLS connection/.test(message)) return '';
  return tls
    ? ' — is this a TLS (SSL or SASL_SSL) listener?'
    : ' — if this listener uses TLS (SSL or SASL_SSL; the Event Hubs endpoint always does), set ssl';
}

function authError(err: Error, cfg: KafkaSourceConfig, brokers: string): PermanentError {
  const secret = cfg.eventHubs
    ? `user ${EVENT_HUBS_SASL_USER}, password = the Event Hubs connection string from $${cfg.eventHubs.connectionStringEnv}`
    : `user ${cfg.sasl?.username}, password from $${cfg.sasl?.passwordEnv}`;
  return new PermanentError(
    `kafka source: authentication refused by ${brokers} (${secret}): ${errorMessage(err)}`,
    { cause: err },
  );
}
