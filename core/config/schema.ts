import { z } from 'zod';
import { AlertsConfigSchema } from './sections/alerts.js';
import { AnalyzeConfigSchema } from './sections/analyze.js';
import { ApiConfigSchema } from './sections/api.js';
import { DatabaseConfigSchema } from './sections/database.js';
import { EnrichConfigSchema } from './sections/enrich.js';
import { RulesConfigSchema } from './sections/rules.js';
import { SourceEntrySchema } from './sections/sources.js';

/**
 * The one configuration schema. Sections are owned by their components (core/config/sections/).
 * Every field has a default, so an empty file is a valid config for the embedded demo.
 */
export const ConfigSchema = z
  .object({
    database: DatabaseConfigSchema.prefault({}),
    api: ApiConfigSchema.prefault({}),
    sources: z.array(SourceEntrySchema).default([]),
    analyze: AnalyzeConfigSchema.prefault({}),
    alerts: AlertsConfigSchema.prefault({}),
    rules: RulesConfigSchema.prefault({}),
    enrich: EnrichConfigSchema.prefault({}),
    log: z
      .object({
        level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
        /**
         * URL prefixes (`host/path`) whose further path segments are secrets (webhook tokens in the
         * path), masked in every output like passwords. Slack and Discord webhooks are built in.
         */
        secretUrlPaths: z.array(z.string().min(3)).default([]),
      })
      .prefault({}),
    ingest: z
      .object({
        /** Max rows per insert. 500 k: with the rollup views, 100 k-row inserts cost ~40 % more CPU (docs/ingest.md). */
        batchRows: z.number().int().min(1000).default(500_000),
        /** Directory for staged Native files read by chDB's file() (tmpfs when available). */
        stagingDir: z.string().optional(),
        /**
         * Normalizer worker threads: 0 normalizes on the pipeline's own thread; `auto` = cores − 1, at
         * most 4 (docs/ingest.md "Threading").
         */
        workers: z.union([z.literal('auto'), z.number().int().min(0).max(64)]).default('auto'),
        /**
         * Coalesced inserts: ranges from many blobs, partitions or files go into one insert
         * (docs/ingest.md "Batching"). A batch is flushed at `maxRows` rows, at `maxBytes` bytes of
         * source bodies, `maxDelayMs` after its first range, or when no range arrived for `idleMs`
         * (the source is waiting), whichever comes first; a range of
         * `maxRows` rows or more is written alone. After a restart, a recorded batch waits up to
         * `recoveryWaitMs` for its ranges to come back before settling those that did.
         */
        coalesce: z
          .object({
            // On by default: exact across kill -9 and a 2-minute outage with blob, Kafka and Event
            // Hubs sources (docs/ingest.md "Batching"); `false` writes every range on its own.
            enabled: z.boolean().default(true),
            maxRows: z.number().int().min(1).default(200_000),
            maxBytes: z
              .number()
              .int()
              .min(1024)
              .default(64 * 1024 * 1024),
            maxDelayMs: z.number().int().min(0).default(1000),
            idleMs: z.number().int().min(0).default(50),
            recoveryWaitMs: z.number().int().min(0).default(30_000),
          })
          .prefault({}),
      })
      .prefault({}),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
