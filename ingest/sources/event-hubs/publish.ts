import type { EventHubProducerClient } from '@azure/event-hubs';
import { type MessageMode, toMessages } from '../kafka/messages.js';
import type { PublishInput, PublishResult } from '../kafka/publish.js';

export interface EventHubsPublishOptions {
  /** Message shape (kafka/messages.ts): whole file, one record, or connector-style batches. */
  mode: MessageMode;
  /** Send to one partition; default lets the service spread events (or hash `partitionKey`). */
  partitionId?: string;
  partitionKey?: string;
}

/**
 * Sends flow-log files to an event hub over AMQP (the real EventHubProducerClient) in the same
 * message shapes as `flowlens publish --kafka`. Events are packed into as few batches as the hub's
 * size limit allows (1 MB on Standard); a single event above the limit is an error naming the file.
 * The caller owns (and closes) the producer.
 * @see https://learn.microsoft.com/javascript/api/@azure/event-hubs/eventhubproducerclient
 */
export async function publishFilesToEventHubs(
  producer: EventHubProducerClient,
  inputs: Iterable<PublishInput>,
  opts: EventHubsPublishOptions,
): Promise<PublishResult> {
  const result: PublishResult = { files: 0, messages: 0, bytes: 0 };
  const batchOptions = {
    ...(opts.partitionId !== undefined ? { partitionId: opts.partitionId } : {}),
    ...(opts.partitionKey !== undefined ? { partitionKey: opts.partitionKey } : {}),
  };
  let batch = await producer.createBatch(batchOptions);
  const tooLarge = (name: string, size: number) =>
    new Error(`${name}: a ${size}-byte event exceeds the hub's limit of ${batch.maxSizeInBytes} bytes`);
  for (const input of inputs) {
    const messages = toMessages(input.content, opts.mode);
    for (const body of messages) {
      if (batch.tryAdd({ body })) continue;
      if (batch.count === 0) throw tooLarge(input.name, body.length);
      await producer.sendBatch(batch);
      batch = await producer.createBatch(batchOptions);
      if (!batch.tryAdd({ body })) throw tooLarge(input.name, body.length);
    }
    result.files += 1;
    result.messages += messages.length;
    result.bytes += messages.reduce((s, m) => s + m.length, 0);
  }
  if (batch.count > 0) await producer.sendBatch(batch);
  return result;
}
