import type { z } from 'zod';
import type { Db } from '../../core/clickhouse/client.js';
import type { Logger } from '../../core/logging.js';
import type { Metrics } from '../../core/metrics.js';
import type { Normalizer, Source, SourcePosition } from '../contracts.js';

/** What every source component gets from the composition root. */
export interface SourceDeps {
  db: Db;
  metrics: Metrics;
  logger: Logger;
  /** Secrets are named in the config and read from here (the CLI passes process.env). */
  env: Record<string, string | undefined>;
  /** Wall clock in ms (blob: live hours; every source: lag); default: the system's. */
  now?: () => number;
}

/** A source and the normalizer for its bodies (Kafka frames several messages into one body). */
export interface ConfiguredSource {
  source: Source;
  normalize: Normalizer;
}

/** The schema of one kind's config entry: an object whose `type` is the kind. */
export type SourceConfigSchema = z.ZodObject<{
  type: z.ZodLiteral<string>;
  name: z.ZodOptional<z.ZodString>;
}>;

/**
 * One source kind, after Akvorado's inputs and the OpenTelemetry Collector's component lifecycle.
 * Everything a kind is lives in `ingest/sources/<kind>/` and is listed once in `registry.ts`.
 *
 * - `config`: the zod schema of its entry under `sources:` (`type: <kind>`); the registry composes
 *   the schemas into the one config schema the CLI loads.
 * - `create(config, deps)`: builds the source and **starts nothing**: no connection, timer or I/O
 *   until the pipeline iterates `source.batches(signal)` (start, at most once per instance).
 * - `source.stop(deadlineMs)`: safe twice, safe without start, flushes the cursors of acked batches,
 *   resolves within the deadline (the registry's wrapper enforces the last three).
 * - metrics: the uniform series (core/metrics.ts `SourceSeries`) are kept for it by the registry's
 *   wrapper from the batches it yields; a kind may register its own extra series (blob's `metrics.ts`).
 */
export interface SourceComponent<S extends SourceConfigSchema = SourceConfigSchema> {
  kind: S['shape']['type']['value'];
  config: S;
  create(config: z.output<S>, deps: SourceDeps): ConfiguredSource;
  /** A finite source (a file replay) ends by itself; `flowlens run` does not restart it. */
  finite?: boolean;
  /** The stream a position belongs to, for the lag gauge's `key` (default the position key). Keep it bounded. */
  lagKey?(position: SourcePosition): string;
}

/** Identity, for inference: `defineSource({ kind, config, create })` types `create`'s config from the schema. */
export function defineSource<S extends SourceConfigSchema>(
  component: SourceComponent<S>,
): SourceComponent<S> {
  return component;
}
