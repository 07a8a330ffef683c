import { z } from 'zod';

/**
 * A Kafka topic (or the Kafka endpoint of Azure Event Hubs) as a flow-log source.
 * Secrets never live in the file: `sasl.passwordEnv` / `eventHubs.connectionStringEnv` name the
 * environment variables the CLI reads them from. The defaults deliberately do not start with
 * `FLOWLENS_`: that prefix is parsed as configuration overrides (core/config/load.ts), where an
 * unknown section is an error.
 * @see https://learn.microsoft.com/azure/event-hubs/azure-event-hubs-apache-kafka-overview
 */
export const KafkaSourceConfigSchema = z
  .object({
    type: z.literal('kafka'),
    name: z.string().optional(),
    /** Bootstrap servers `host:port`; derived from `eventHubs.namespace` when empty. */
    brokers: z.array(z.string().min(1)).default([]),
    /** Topics (for Event Hubs: the event hub names). */
    topics: z.array(z.string().min(1)).min(1),
    groupId: z.string().min(1).default('flowlens'),
    clientId: z.string().min(1).default('flowlens'),
    /** Where a group without committed offsets starts. */
    fromBeginning: z.boolean().default(true),
    /** TLS: true, or CA/cert/key files. Default off, except with `eventHubs` (on). */
    ssl: z
      .union([
        z.boolean(),
        z
          .object({
            caFile: z.string().optional(),
            certFile: z.string().optional(),
            keyFile: z.string().optional(),
            rejectUnauthorized: z.boolean().default(true),
          })
          .strict(),
      ])
      .optional(),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string().min(1),
        passwordEnv: z.string().min(1).default('KAFKA_SASL_PASSWORD'),
      })
      .strict()
      .optional(),
    /** Preset for the Event Hubs Kafka endpoint: `<namespace>.servicebus.windows.net:9093`, SASL_SSL PLAIN. */
    eventHubs: z
      .object({
        namespace: z.string().min(1),
        connectionStringEnv: z.string().min(1).default('EVENTHUBS_CONNECTION_STRING'),
      })
      .strict()
      .optional(),
    /**
     * One insert per offset range of one partition; a range closes at whichever limit comes first.
     * 16 MB (not 8): each insert has a large fixed cost downstream, and in `npm run bench -- kafka`
     * (100 MB of per-record messages) 8 MB ranges took 5.4–5.9 s of consumer CPU against 3.4 s with
     * 16 MB and 2.9 s with 32 MB; peak RSS grew 365 → 469 → 603 MB (docs/ingest-kafka.md).
     */
    range: z
      .object({
        maxMessages: z.number().int().min(1).default(10_000),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .default(16 * 1024 * 1024),
        lingerMs: z.number().int().min(0).default(1000),
        /** Caught up with the partition's end: close a range of at least this size at once (no linger). */
        minBytesAtEnd: z
          .number()
          .int()
          .min(0)
          .default(1024 * 1024),
      })
      .strict()
      .prefault({}),
    /** Bytes of ranges handed out but not yet durable; fetching pauses above it (bounded memory). */
    maxInFlightBytes: z
      .number()
      .int()
      .min(1024 * 1024)
      .default(64 * 1024 * 1024),
    /** Larger messages become `message-too-large` rejects (Event Hubs caps events at 1 MB on Standard). */
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .default(8 * 1024 * 1024),
    /** Group session timeout: how long a dead consumer keeps its partitions (broker min 6 s). */
    sessionTimeoutMs: z.number().int().min(1000).default(30_000),
    partitionsConsumedConcurrently: z.number().int().min(1).max(64).default(4),
  })
  .strict()
  .refine((c) => c.brokers.length > 0 || c.eventHubs !== undefined, {
    message: 'kafka source needs brokers or eventHubs.namespace',
    path: ['brokers'],
  })
  .refine((c) => !(c.sasl && c.eventHubs), {
    message: 'eventHubs sets SASL itself; remove sasl',
    path: ['sasl'],
  });

export type KafkaSourceConfig = z.infer<typeof KafkaSourceConfigSchema>;
export type KafkaSourceConfigInput = z.input<typeof KafkaSourceConfigSchema>;
