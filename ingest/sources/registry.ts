import { z } from 'zod';
import type { SourceEntry } from '../../core/config/sections/sources.js';
import { ConfigError } from '../../core/errors.js';
import { blobSource } from './blob/component.js';
import type { ConfiguredSource, SourceComponent, SourceDeps } from './component.js';
import { eventHubsSource } from './event-hubs/component.js';
import { fileSource } from './file/component.js';
import { kafkaSource } from './kafka/component.js';
import { guardStop } from './lifecycle.js';
import { instrumentSource } from './metrics.js';

/** A source the registry built: the instrumented, lifecycle-guarded source, ready for the pipeline. */
export interface BuiltSource extends ConfiguredSource {
  component: SourceComponent;
  /** Rows the sink committed for this source's batches (the uniform `flowlens_source_rows_total`). */
  committed(rows: number): void;
  /** The sink failed for good on one of its batches (`flowlens_source_errors_total{class="write"}`). */
  writeFailed(): void;
}

export interface SourceRegistry {
  readonly kinds: readonly string[];
  /** One schema for a `sources:` entry: the kinds' schemas, by `type` (pass to `loadConfig({ sources })`). */
  readonly configSchema: z.ZodType<SourceEntry>;
  get(kind: string): SourceComponent | undefined;
  /** Parses `entry` with its kind's schema and builds it inert; `label` names it in logs and metrics. */
  build(entry: SourceEntry, label: string, deps: SourceDeps): BuiltSource;
}

/**
 * The source kinds `flowlens run` knows, one line each: adding a source is a folder under
 * `ingest/sources/<kind>/` and a line here (docs/ingest.md "Adding a source").
 */
export const BUILTIN_SOURCES: readonly SourceComponent[] = [
  fileSource,
  blobSource,
  kafkaSource,
  eventHubsSource,
];

export function createSourceRegistry(components: readonly SourceComponent[]): SourceRegistry {
  const byKind = new Map(components.map((c) => [c.kind, c]));
  if (byKind.size !== components.length) throw new Error('two source components share a kind');
  const [first, ...rest] = components.map((c) => c.config);
  if (!first) throw new Error('a source registry needs at least one component');
  const configSchema = z.discriminatedUnion('type', [first, ...rest]);
  return {
    kinds: [...byKind.keys()],
    configSchema,
    get: (kind) => byKind.get(kind),
    build(entry, label, deps) {
      const component = byKind.get(entry.type);
      if (!component)
        throw new ConfigError([
          `source ${label}: unknown type "${entry.type}" (one of: ${[...byKind.keys()].join(', ')})`,
        ]);
      const parsed = component.config.safeParse(entry);
      if (!parsed.success)
        throw new ConfigError(
          parsed.error.issues.map((i) => `source ${label}: ${i.path.join('.')}: ${i.message}`),
        );
      const logger = deps.logger.child({ source: label });
      const built = component.create(parsed.data, { ...deps, logger });
      const instrumented = instrumentSource(built.source, {
        series: deps.metrics.source,
        labels: { source: label, kind: component.kind },
        now: deps.now ?? Date.now,
        ...(component.lagKey ? { lagKey: component.lagKey } : {}),
      });
      return { ...built, ...instrumented, source: guardStop(instrumented.source), component };
    },
  };
}

/** The registry of the built-in kinds. */
export const SOURCES: SourceRegistry = createSourceRegistry(BUILTIN_SOURCES);
