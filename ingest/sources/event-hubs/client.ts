import {
  type CheckpointStore,
  EventHubConsumerClient,
  type EventPosition,
  earliestEventPosition,
  latestEventPosition,
} from '@azure/event-hubs';
import { BlobCheckpointStore } from '@azure/eventhubs-checkpointstore-blob';
import type { TokenCredential } from '@azure/identity';
import { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { ConfigError } from '../../../core/errors.js';
import type { EventHubsSourceConfig } from './config.js';

/**
 * Secrets and credentials resolved by the CLI (the only place that reads the environment).
 * A connection string wins; otherwise `credential` (DefaultAzureCredential) with the namespace,
 * hub and storage account URL from the config.
 * @see https://learn.microsoft.com/javascript/api/overview/azure/event-hubs-readme#authenticate-the-client
 */
export interface EventHubsSecrets {
  connectionString?: string;
  checkpointConnectionString?: string;
  credential?: TokenCredential;
}

/**
 * Picks the secrets from an environment map (the CLI passes `process.env`; only `cli/` reads the
 * environment itself) and lists every missing variable. `credential` is made only when a part
 * has no connection string (DefaultAzureCredential: managed identity, workload identity, az login).
 */
export function resolveEventHubsSecrets(
  config: EventHubsSourceConfig,
  env: Record<string, string | undefined>,
  makeCredential: () => TokenCredential,
): EventHubsSecrets {
  const problems: string[] = [];
  const pick = (name: string | undefined, what: string): string | undefined => {
    if (name === undefined) return undefined;
    const v = env[name];
    if (!v) problems.push(`event-hubs source: environment variable ${name} (${what}) is not set`);
    return v || undefined;
  };
  const connectionString = pick(config.connectionStringEnv, 'Event Hubs connection string');
  const checkpointConnectionString = pick(config.checkpoint.connectionStringEnv, 'storage connection string');
  if (problems.length > 0) throw new ConfigError(problems);
  const secrets: EventHubsSecrets = {};
  if (connectionString) secrets.connectionString = connectionString;
  if (checkpointConnectionString) secrets.checkpointConnectionString = checkpointConnectionString;
  if (!connectionString || !checkpointConnectionString) secrets.credential = makeCredential();
  return secrets;
}

export interface ConsumerParts {
  client: EventHubConsumerClient;
  container: ContainerClient;
  store: CheckpointStore;
}

export function checkpointContainer(
  config: EventHubsSourceConfig,
  secrets: EventHubsSecrets,
): ContainerClient {
  const { container, accountUrl } = config.checkpoint;
  if (secrets.checkpointConnectionString) {
    return BlobServiceClient.fromConnectionString(secrets.checkpointConnectionString).getContainerClient(
      container,
    );
  }
  if (!accountUrl || !secrets.credential) {
    throw new ConfigError([
      'event-hubs checkpoint: set checkpoint.connectionStringEnv, or accountUrl with Azure credentials',
    ]);
  }
  return new ContainerClient(`${accountUrl.replace(/\/$/, '')}/${container}`, secrets.credential);
}

export function createConsumer(config: EventHubsSourceConfig, secrets: EventHubsSecrets): ConsumerParts {
  const container = checkpointContainer(config, secrets);
  const store = new BlobCheckpointStore(container);
  const lb = config.loadBalancing;
  const options = {
    loadBalancingOptions: {
      strategy: lb.strategy,
      updateIntervalInMs: lb.updateIntervalMs,
      partitionOwnershipExpirationIntervalInMs: lb.partitionOwnershipExpirationIntervalMs,
    },
  };
  const cg = config.consumerGroup;
  if (secrets.connectionString) {
    const client = config.hub
      ? new EventHubConsumerClient(cg, secrets.connectionString, config.hub, store, options)
      : new EventHubConsumerClient(cg, secrets.connectionString, store, options);
    return { client, container, store };
  }
  if (!config.namespace || !config.hub || !secrets.credential) {
    throw new ConfigError([
      'event-hubs source: set connectionStringEnv, or namespace and hub with Azure credentials',
    ]);
  }
  const client = new EventHubConsumerClient(
    cg,
    config.namespace,
    config.hub,
    secrets.credential,
    store,
    options,
  );
  return { client, container, store };
}

export function startPosition(value: EventHubsSourceConfig['startPosition']): EventPosition {
  if (value === 'earliest') return earliestEventPosition;
  if (value === 'latest') return latestEventPosition;
  return { enqueuedOn: new Date(value) };
}
