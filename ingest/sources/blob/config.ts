import { z } from 'zod';

/**
 * `type: blob`: tail NSG / VNet flow-log blobs in a storage account (docs/ingest-blob.md).
 * Secrets never sit in the file: `auth` names the environment variable that holds them, and only
 * the CLI reads it.
 */
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

export const BlobAuthConfigSchema = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('connection-string'),
      connectionStringEnv: envName.default('AZURE_STORAGE_CONNECTION_STRING'),
    })
    .strict(),
  z
    .object({
      method: z.literal('account-key'),
      accountUrl: z.url(),
      accountName: z.string().min(3),
      accountKeyEnv: envName.default('AZURE_STORAGE_KEY'),
    })
    .strict(),
  z
    .object({
      /** Account or container SAS URL (the token is the secret). */
      method: z.literal('sas-url'),
      sasUrlEnv: envName.default('FLOWLENS_BLOB_SAS_URL'),
    })
    .strict(),
  z
    .object({
      /** DefaultAzureCredential: managed identity, workload identity, environment, az login. */
      method: z.literal('default-credential'),
      accountUrl: z.url(),
    })
    .strict(),
]);

export const BlobSourceConfigSchema = z
  .object({
    type: z.literal('blob'),
    name: z.string().optional(),
    auth: BlobAuthConfigSchema,
    containers: z
      .array(z.string().min(3))
      .min(1)
      .default(['insights-logs-networksecuritygroupflowevent', 'insights-logs-flowlogflowevent']),
    /** Where discovery starts, e.g. `resourceId=/SUBSCRIPTIONS/<id>/` (default: whole container). */
    prefixes: z.array(z.string()).default([]),
    /** First run: backfill from this time (ISO 8601); later runs resume where they stopped. */
    startTime: z.iso.datetime({ offset: true }).optional(),
    /**
     * How often every owned folder's current and previous hour are listed. 30 s keeps block commit →
     * alert under 2 minutes with the default 60 s analysis interval (poll + interval + processing);
     * each poll costs 2 List Blobs calls per folder (docs/ingest-blob.md "Discovery").
     */
    pollIntervalSeconds: z.number().min(1).max(3600).default(30),
    /** How often new NSGs / flow logs are looked for. */
    discoveryIntervalSeconds: z.number().min(0).default(600),
    listPageSize: z.number().int().min(1).max(5000).default(5000),
    maxRangeBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .default(16 * 1024 * 1024),
    concurrency: z.number().int().min(1).max(64).default(8),
    /** Several instances on one account: shard by flow-log root with blob leases. */
    leases: z
      .object({
        enabled: z.boolean().default(true),
        container: z.string().min(3).default('flowlens-leases'),
        durationSeconds: z.number().int().min(15).max(60).default(60),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type BlobSourceConfig = z.infer<typeof BlobSourceConfigSchema>;
