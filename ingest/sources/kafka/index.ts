export {
  EVENT_HUBS_SASL_USER,
  type KafkaSecrets,
  kafkaClientConfig,
  resolveKafkaSecrets,
} from './client-config.js';
export { withKafkaFrames } from './frame-normalizer.js';
export { MESSAGE_MODES, type MessageMode, toMessages } from './messages.js';
export { type PublishInput, type PublishOptions, type PublishResult, publishFiles } from './publish.js';
export { createKafkaSource, type KafkaSourceDeps, type KafkaSourceStats } from './source.js';
