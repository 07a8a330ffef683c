import { DefaultAzureCredential } from '@azure/identity';
import { normalize } from '../../normalizers/index.js';
import { defineSource } from '../component.js';
import { withKafkaFrames } from '../kafka/frame-normalizer.js';
import { resolveEventHubsSecrets } from './client.js';
import { EventHubsSourceConfigSchema } from './config.js';
import { createEventHubsSource } from './source.js';

/** `type: event-hubs`: the AMQP consumer with checkpoints in Blob Storage (docs/ingest-event-hubs.md). */
export const eventHubsSource = defineSource({
  kind: 'event-hubs',
  config: EventHubsSourceConfigSchema,
  create: (cfg, deps) => ({
    source: createEventHubsSource({
      config: cfg,
      secrets: resolveEventHubsSecrets(cfg, deps.env, () => new DefaultAzureCredential()),
      logger: deps.logger,
    }),
    // Events are framed like Kafka messages (one body, several events, per-event positions).
    normalize: withKafkaFrames(normalize),
  }),
});
