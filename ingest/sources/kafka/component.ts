import { normalize } from '../../normalizers/index.js';
import { defineSource } from '../component.js';
import { resolveKafkaSecrets } from './client-config.js';
import { KafkaSourceConfigSchema } from './config.js';
import { withKafkaFrames } from './frame-normalizer.js';
import { createKafkaSource } from './source.js';

/** `type: kafka`: a consumer group on Kafka or the Event Hubs Kafka endpoint (docs/ingest-kafka.md). */
export const kafkaSource = defineSource({
  kind: 'kafka',
  config: KafkaSourceConfigSchema,
  create: (cfg, deps) => ({
    source: createKafkaSource(cfg, { secrets: resolveKafkaSecrets(cfg, deps.env), logger: deps.logger }),
    normalize: withKafkaFrames(normalize),
  }),
});
