import { readFileSync } from 'node:fs';
import type { KafkaConfig, SASLOptions } from 'kafkajs';
import { ConfigError } from '../../../core/errors.js';
import type { KafkaSourceConfig } from './config.js';

/** Secrets resolved by the CLI from the environment (never from the config file). */
export interface KafkaSecrets {
  /** SASL password (`sasl.passwordEnv`). */
  password?: string;
  /** Event Hubs connection string (`eventHubs.connectionStringEnv`). */
  connectionString?: string;
}

/** The SASL user name the Event Hubs Kafka endpoint expects with a connection string as password. */
export const EVENT_HUBS_SASL_USER = '$ConnectionString';

/**
 * Picks the secrets a source needs from an environment map; lists every missing variable.
 * (The caller passes `process.env`; only `cli/` reads the environment itself.)
 */
export function resolveKafkaSecrets(
  cfg: KafkaSourceConfig,
  env: Record<string, string | undefined>,
): KafkaSecrets {
  const problems: string[] = [];
  const secrets: KafkaSecrets = {};
  if (cfg.sasl) {
    const v = env[cfg.sasl.passwordEnv];
    if (v) secrets.password = v;
    else
      problems.push(`kafka source: environment variable ${cfg.sasl.passwordEnv} (SASL password) is not set`);
  }
  if (cfg.eventHubs) {
    const v = env[cfg.eventHubs.connectionStringEnv];
    if (v) secrets.connectionString = v;
    else
      problems.push(
        `kafka source: environment variable ${cfg.eventHubs.connectionStringEnv} (Event Hubs connection string) is not set`,
      );
  }
  if (problems.length) throw new ConfigError(problems);
  return secrets;
}

/**
 * Maps the source config to kafkajs client options. The `eventHubs` preset follows the Event Hubs
 * Kafka endpoint: bootstrap `<namespace>.servicebus.windows.net:9093`, SASL_SSL, mechanism PLAIN,
 * user `$ConnectionString`, password = the namespace (or hub) connection string. Explicit
 * `brokers` / `ssl` still win (private endpoints, tests without TLS).
 * @see https://learn.microsoft.com/azure/event-hubs/event-hubs-quickstart-kafka-enabled-event-hubs
 */
export function kafkaClientConfig(cfg: KafkaSourceConfig, secrets: KafkaSecrets): KafkaConfig {
  const brokers = cfg.brokers.length
    ? cfg.brokers
    : [`${cfg.eventHubs?.namespace}.servicebus.windows.net:9093`];
  const sasl = saslOptions(cfg, secrets);
  const ssl = sslOptions(cfg.ssl ?? cfg.eventHubs !== undefined);
  return {
    clientId: cfg.clientId,
    brokers,
    ...(ssl !== undefined ? { ssl } : {}),
    ...(sasl ? { sasl } : {}),
  };
}

function saslOptions(cfg: KafkaSourceConfig, secrets: KafkaSecrets): SASLOptions | undefined {
  if (cfg.eventHubs) {
    return { mechanism: 'plain', username: EVENT_HUBS_SASL_USER, password: secrets.connectionString ?? '' };
  }
  if (!cfg.sasl) return undefined;
  const { mechanism, username } = cfg.sasl;
  const password = secrets.password ?? '';
  // kafkajs types each mechanism separately; the three share the same shape.
  if (mechanism === 'plain') return { mechanism, username, password };
  if (mechanism === 'scram-sha-256') return { mechanism, username, password };
  return { mechanism, username, password };
}

function sslOptions(ssl: NonNullable<KafkaSourceConfig['ssl']>): KafkaConfig['ssl'] {
  if (typeof ssl === 'boolean') return ssl;
  return {
    rejectUnauthorized: ssl.rejectUnauthorized,
    ...(ssl.caFile ? { ca: [readFileSync(ssl.caFile, 'utf8')] } : {}),
    ...(ssl.certFile ? { cert: readFileSync(ssl.certFile, 'utf8') } : {}),
    ...(ssl.keyFile ? { key: readFileSync(ssl.keyFile, 'utf8') } : {}),
  };
}
