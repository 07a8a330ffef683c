import { z } from 'zod';
import { BlobSourceConfigSchema } from './blob-source.js';
import { EventHubsSourceConfigSchema } from './event-hubs.js';
import { KafkaSourceConfigSchema } from './kafka.js';

/**
 * Configured sources for `flowlens run`. Each source type adds its schema to the union
 * (`type` is the discriminator): file, blob, kafka, event-hubs.
 */
export const FileSourceConfigSchema = z
  .object({
    type: z.literal('file'),
    name: z.string().optional(),
    paths: z.array(z.string()).min(1),
  })
  .strict();

export const SourceConfigSchema = z.discriminatedUnion('type', [
  FileSourceConfigSchema,
  BlobSourceConfigSchema,
  KafkaSourceConfigSchema,
  EventHubsSourceConfigSchema,
]);
export type SourceConfig = z.infer<typeof SourceConfigSchema>;
