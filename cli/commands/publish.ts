import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EventHubProducerClient } from '@azure/event-hubs';
import type { Command } from 'commander';
import { Kafka, logLevel } from 'kafkajs';
import { publishFilesToEventHubs } from '../../ingest/sources/event-hubs/publish.js';
import { KafkaSourceConfigSchema } from '../../ingest/sources/kafka/config.js';
import {
  kafkaClientConfig,
  MESSAGE_MODES,
  type MessageMode,
  type PublishInput,
  type PublishResult,
  publishFiles,
  resolveKafkaSecrets,
} from '../../ingest/sources/kafka/index.js';

/** Options every target shares, plus each target's own flags. */
export interface PublishCommandOptions {
  mode: MessageMode;
  topic?: string;
  kafka?: string;
  saslMechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  saslUsername?: string;
  ssl?: boolean;
  eventHubsNamespace?: string;
  eventHubs?: string;
  partition?: string;
}

/**
 * A place `publish` can send to. Each target checks its own flags and sends the files; adding a
 * target (e.g. `--event-hubs` over AMQP) is one entry in {@link TARGETS} plus its options.
 */
interface PublishTarget {
  name: string;
  selected(opts: PublishCommandOptions): boolean;
  publish(
    inputs: Iterable<PublishInput>,
    opts: PublishCommandOptions,
    env: NodeJS.ProcessEnv,
  ): Promise<PublishResult>;
}

const kafkaTarget: PublishTarget = {
  name: 'kafka',
  selected: (o) => Boolean(o.kafka || o.eventHubsNamespace),
  publish: (inputs, o, env) => {
    if (!o.topic) throw new Error('--topic is required with --kafka / --event-hubs-namespace');
    const cfg = KafkaSourceConfigSchema.parse({
      type: 'kafka',
      topics: [o.topic],
      brokers: o.kafka ? o.kafka.split(',') : [],
      ...(o.ssl !== undefined ? { ssl: o.ssl } : {}),
      ...(o.saslMechanism ? { sasl: { mechanism: o.saslMechanism, username: o.saslUsername ?? '' } } : {}),
      ...(o.eventHubsNamespace ? { eventHubs: { namespace: o.eventHubsNamespace } } : {}),
      clientId: 'flowlens-publish',
    });
    const kafka = new Kafka({
      ...kafkaClientConfig(cfg, resolveKafkaSecrets(cfg, env)),
      logLevel: logLevel.ERROR,
    });
    return publishFiles(kafka, inputs, { topic: o.topic, mode: o.mode });
  },
};

/**
 * Event Hubs over AMQP with the real EventHubProducerClient. `--event-hubs` names an environment
 * variable holding the connection string (preferred: keeps the key out of process lists) or is the
 * connection string itself; `--topic` names the hub when the string has no EntityPath.
 */
const eventHubsTarget: PublishTarget = {
  name: 'event-hubs',
  selected: (o) => Boolean(o.eventHubs),
  publish: async (inputs, o, env) => {
    const arg = o.eventHubs!;
    const cs = arg.startsWith('Endpoint=') ? arg : env[arg];
    if (!cs) throw new Error(`--event-hubs: environment variable ${arg} is not set`);
    const producer = o.topic ? new EventHubProducerClient(cs, o.topic) : new EventHubProducerClient(cs);
    try {
      return await publishFilesToEventHubs(producer, inputs, {
        mode: o.mode,
        ...(o.partition !== undefined ? { partitionId: o.partition } : {}),
      });
    } finally {
      await producer.close();
    }
  },
};

const TARGETS: PublishTarget[] = [kafkaTarget, eventHubsTarget];

/** Files named on the command line, directories walked recursively (sorted, so runs repeat). */
export function* readInputs(paths: readonly string[]): Generator<PublishInput> {
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      const entries = readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      yield* readInputs(entries.map((e) => join(p, e.name)));
    } else {
      yield { name: p, content: readFileSync(p) };
    }
  }
}

/**
 * `flowlens publish --kafka <brokers> --topic T <file|dir>...`: pushes flow-log files as messages,
 * for demos, tests and load generation. Secrets come from KAFKA_SASL_PASSWORD /
 * EVENTHUBS_CONNECTION_STRING only.
 */
export function register(program: Command): void {
  program
    .command('publish')
    .description(
      'send flow-log files to Kafka, the Event Hubs Kafka endpoint, or Event Hubs (AMQP) as messages',
    )
    .argument('<paths...>', 'flow-log files or directories')
    .option('--kafka <brokers>', 'Kafka bootstrap servers, comma-separated')
    .option('--topic <name>', 'topic (Event Hubs: the event hub name)')
    .option('--mode <mode>', `message shape: ${MESSAGE_MODES.join(' | ')}`, 'file')
    .option('--ssl', 'use TLS (on by default with --event-hubs-namespace)')
    .option('--no-ssl', 'no TLS, also with --event-hubs-namespace (a local test broker)')
    .option(
      '--sasl-mechanism <m>',
      'plain | scram-sha-256 | scram-sha-512 (password from KAFKA_SASL_PASSWORD)',
    )
    .option('--sasl-username <user>', 'SASL user name')
    .option(
      '--event-hubs-namespace <ns>',
      'Event Hubs Kafka endpoint <ns>.servicebus.windows.net:9093 (EVENTHUBS_CONNECTION_STRING)',
    )
    .option(
      '--event-hubs <env-or-connection-string>',
      'Event Hubs over AMQP: env var holding the connection string (or the string itself)',
    )
    .option('--partition <id>', 'Event Hubs: send every event to this partition')
    .action(async (paths: string[], opts: PublishCommandOptions) => {
      if (!MESSAGE_MODES.includes(opts.mode))
        program.error(`--mode must be one of ${MESSAGE_MODES.join(', ')}`, { exitCode: 2 });
      const target = TARGETS.find((t) => t.selected(opts));
      if (!target)
        program.error(
          'choose a target: --kafka <brokers>, --event-hubs-namespace <ns> or --event-hubs <env>',
          { exitCode: 2 },
        );
      const r = await target.publish(readInputs(paths), opts, process.env);
      process.stdout.write(
        `${target.name}: published ${r.messages} messages (${r.bytes} bytes) from ${r.files} files\n`,
      );
    });
}
