import type { Db } from '../../core/clickhouse/client.js';
import type { FlowSink } from '../../ingest/contracts.js';
import { normalize } from '../../ingest/normalizers/index.js';
import { type PipelineResult, runPipeline } from '../../ingest/pipeline.js';
import { createClickHouseSink } from '../../ingest/sinks/clickhouse/sink.js';
import {
  type EventHubsSourceConfigInput,
  EventHubsSourceConfigSchema,
} from '../../ingest/sources/event-hubs/config.js';
import { createEventHubsSource, type EventHubsSource } from '../../ingest/sources/event-hubs/source.js';
import { withKafkaFrames } from '../../ingest/sources/kafka/frame-normalizer.js';
import { sinkCoalesce } from './crash-checks.js';

/**
 * One Event Hubs consumer the way `flowlens run` composes it: the real source (SDK consumer,
 * BlobCheckpointStore) → normalizer (per event, framed bodies) → ClickHouse sink → ack.
 */
export interface ConsumerHandle {
  source: EventHubsSource;
  done: Promise<PipelineResult>;
  stop(): Promise<PipelineResult>;
}

export interface ConsumerSetup {
  db: Db;
  eventHubsConnectionString: string;
  storageConnectionString: string;
  container: string;
  config?: Partial<EventHubsSourceConfigInput>;
  /** Fault injection around the real sink (the crash test kills itself between write and ack). */
  wrapSink?: (sink: FlowSink) => FlowSink;
}

/** Fast load balancing so tests settle in seconds (the SDK defaults are 10 s / 60 s). */
export const FAST_BALANCING = { updateIntervalMs: 300, partitionOwnershipExpirationIntervalMs: 3_000 };

export function startConsumer(setup: ConsumerSetup): ConsumerHandle {
  const config = EventHubsSourceConfigSchema.parse({
    type: 'event-hubs',
    connectionStringEnv: 'UNUSED_IN_TESTS',
    checkpoint: { connectionStringEnv: 'UNUSED_IN_TESTS', container: setup.container },
    maxWaitSeconds: 0.2,
    loadBalancing: FAST_BALANCING,
    ...setup.config,
  });
  const source = createEventHubsSource({
    config,
    secrets: {
      connectionString: setup.eventHubsConnectionString,
      checkpointConnectionString: setup.storageConnectionString,
    },
  });
  const real = createClickHouseSink({ db: setup.db, ...sinkCoalesce() });
  const sink = setup.wrapSink ? setup.wrapSink(real) : real;
  const controller = new AbortController();
  const done = runPipeline({
    source,
    sink,
    normalize: withKafkaFrames(normalize),
    signal: controller.signal,
  });
  return {
    source,
    done,
    stop: async () => {
      controller.abort();
      const result = await done;
      await source.stop();
      return result;
    },
  };
}
