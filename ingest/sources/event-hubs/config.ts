import { z } from 'zod';

/**
 * Azure Event Hubs (AMQP) as a flow-log source: an EventHubConsumerClient in a consumer group, with
 * checkpoints and partition ownership in a Blob Storage container (BlobCheckpointStore), so several
 * flowlens instances share the partitions. Secrets never live in the file: `connectionStringEnv`
 * and `checkpoint.connectionStringEnv` name environment variables; without a connection string,
 * `namespace` + `hub` (and `checkpoint.accountUrl`) use DefaultAzureCredential.
 * @see https://learn.microsoft.com/azure/event-hubs/event-processor-balance-partition-load
 */
export const EventHubsSourceConfigSchema = z
  .object({
    type: z.literal('event-hubs'),
    name: z.string().optional(),
    /** Env var holding `Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=hub]`. */
    connectionStringEnv: z.string().min(1).optional(),
    /** Fully qualified namespace, e.g. `contoso.servicebus.windows.net` (Entra ID auth). */
    namespace: z.string().min(1).optional(),
    /** Event hub name; optional when the connection string has EntityPath. */
    hub: z.string().min(1).optional(),
    consumerGroup: z.string().min(1).default('$Default'),
    checkpoint: z
      .object({
        /** Env var holding a storage connection string. */
        connectionStringEnv: z.string().min(1).optional(),
        /** e.g. `https://acct.blob.core.windows.net` (Entra ID auth). */
        accountUrl: z.string().url().optional(),
        container: z.string().min(3).max(63),
      })
      .strict()
      .refine((c) => c.connectionStringEnv !== undefined || c.accountUrl !== undefined, {
        message: 'checkpoint needs connectionStringEnv or accountUrl',
      }),
    /** Where partitions without a checkpoint start: earliest, latest, or an ISO enqueued time. */
    startPosition: z
      .union([z.enum(['earliest', 'latest']), z.iso.datetime({ offset: true })])
      .default('earliest'),
    /** Events per SDK batch = the largest sequence-number range written as one insert. */
    maxBatchEvents: z.number().int().min(1).max(10_000).default(300),
    maxWaitSeconds: z.number().min(0.05).max(60).default(1),
    /** Events the SDK fetches ahead per partition (memory bound: prefetch × event size). */
    prefetchEvents: z.number().int().min(1).max(100_000).default(300),
    /**
     * Partition ownership expiry and load-balancing period (the SDK's defaults are 60 s / 10 s).
     * Strategy `greedy` (not the SDK's `balanced`) by default: `balanced` claims one partition per
     * update interval, so a lone instance needed ≈ (partitions − 1) × 10 s before it read them all
     * (5 min for 32 partitions) after every start; `greedy` claims its fair share in the first cycle.
     * @see https://learn.microsoft.com/javascript/api/@azure/event-hubs/loadbalancingoptions
     */
    loadBalancing: z
      .object({
        strategy: z.enum(['balanced', 'greedy']).default('greedy'),
        updateIntervalMs: z.number().int().min(100).default(10_000),
        partitionOwnershipExpirationIntervalMs: z.number().int().min(1000).default(60_000),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((c) => c.connectionStringEnv !== undefined || (c.namespace !== undefined && c.hub !== undefined), {
    message: 'event-hubs source needs connectionStringEnv, or namespace and hub',
    path: ['connectionStringEnv'],
  });

export type EventHubsSourceConfig = z.infer<typeof EventHubsSourceConfigSchema>;
export type EventHubsSourceConfigInput = z.input<typeof EventHubsSourceConfigSchema>;
