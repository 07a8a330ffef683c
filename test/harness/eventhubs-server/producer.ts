import rhea, { type Message } from 'rhea';
import type { HubState } from './requests.js';

/**
 * Part of the Event Hubs **test double** (not an emulator): turns one producer delivery into
 * events. The SDK sends batches as one AMQP message with format 0x80013700 whose body is a list
 * of data sections, each an encoded event; single messages use format 0. Without a partition in
 * the address, a partition key picks the partition by hash (the service's hash differs; only
 * stability matters here), else round-robin.
 * @see https://learn.microsoft.com/azure/event-hubs/event-hubs-features#publishing-an-event
 */
export const BATCH_FORMAT = 0x80013700;

export interface IncomingEvent {
  partition: string;
  message: Record<string, unknown>;
  size: number;
  partitionKey: string | undefined;
}

const roundRobin = new WeakMap<HubState, number>();

export function producerEvents(
  hub: HubState,
  partition: string | undefined,
  received: Message | Buffer,
  format: number,
): IncomingEvent[] {
  // rhea decodes only format-0 messages; batches arrive as the raw encoded envelope.
  const envelope = Buffer.isBuffer(received)
    ? (rhea.message.decode(received) as unknown as Message)
    : received;
  const parts = format === BATCH_FORMAT ? splitBatch(envelope) : [single(envelope)];
  const key = partitionKeyOf(envelope);
  const target = partition ?? pickPartition(hub, key);
  return parts.map(({ message, size }) => ({
    partition: target,
    message: stripBrokerAnnotations(message),
    size,
    partitionKey: key ?? partitionKeyOf(message),
  }));
}

function splitBatch(envelope: Message): Array<{ message: Record<string, unknown>; size: number }> {
  const body = envelope.body as { content?: Buffer | Buffer[]; multiple?: boolean } | undefined;
  const content = body?.content;
  const buffers = content === undefined ? [] : Array.isArray(content) ? content : [content];
  return buffers.map((b) => ({ message: rhea.message.decode(b) as Record<string, unknown>, size: b.length }));
}

function single(message: Message): { message: Record<string, unknown>; size: number } {
  const body = message.body as { content?: Buffer } | undefined;
  const size = Buffer.isBuffer(body?.content) ? body.content.length : rhea.message.encode(message).length;
  return { message: message as unknown as Record<string, unknown>, size };
}

function partitionKeyOf(message: Message | Record<string, unknown>): string | undefined {
  const annotations = (message as Message).message_annotations as Record<string, unknown> | undefined;
  const key = annotations?.['x-opt-partition-key'];
  return typeof key === 'string' ? key : undefined;
}

function pickPartition(hub: HubState, key: string | undefined): string {
  const ids = [...hub.partitions.keys()];
  if (key !== undefined) {
    let h = 0;
    for (let i = 0; i < key.length; i += 1) h = (Math.imul(h, 31) + key.charCodeAt(i)) >>> 0;
    return ids[h % ids.length]!;
  }
  const next = roundRobin.get(hub) ?? 0;
  roundRobin.set(hub, next + 1);
  return ids[next % ids.length]!;
}

/** Producers cannot set the broker's own annotations; the log assigns them on delivery. */
function stripBrokerAnnotations(message: Record<string, unknown>): Record<string, unknown> {
  const annotations = message.message_annotations as Record<string, unknown> | undefined;
  if (!annotations) return message;
  const kept = Object.fromEntries(
    Object.entries(annotations).filter(
      ([k]) => !['x-opt-sequence-number', 'x-opt-offset', 'x-opt-enqueued-time'].includes(k),
    ),
  );
  return { ...message, message_annotations: kept };
}
