import rhea, { type Message, type Sender } from 'rhea';
import type { StartFilter } from './filter.js';
import type { PartitionLog, StoredEvent } from './partition-log.js';

/**
 * Part of the Event Hubs **test double** (not an emulator): the partition receivers the SDK opens
 * on `<hub>/ConsumerGroups/<group>/Partitions/<id>`. Delivery is credit-based (the SDK grants
 * credit; we send while the link is sendable). Owner levels (`com.microsoft:epoch`) behave like the
 * service: a receiver with an equal or higher epoch disconnects the current ones with
 * `amqp:link:stolen`, which the SDK maps to ReceiverDisconnectedError during load balancing.
 * @see https://learn.microsoft.com/azure/event-hubs/event-hubs-event-processor-host#epoch
 */
interface Consumer {
  sender: Sender;
  log: PartitionLog;
  next: number;
  epoch: number | undefined;
  runtimeMetric: boolean;
}

const EPOCH = 'com.microsoft:epoch';
const RUNTIME_METRIC = 'com.microsoft:enable-receiver-runtime-metric';

export class PartitionConsumers {
  private readonly groups = new Map<string, Set<Consumer>>();
  private readonly bySender = new Map<Sender, { key: string; consumer: Consumer }>();

  /** Registers a receiver link; returns an error text when the link must be refused. */
  attach(sender: Sender, groupKey: string, log: PartitionLog, filter: StartFilter): string | undefined {
    const props = (sender.properties ?? {}) as Record<string, unknown>;
    const epoch = typeof props[EPOCH] === 'number' ? (props[EPOCH] as number) : undefined;
    const set = this.groups.get(groupKey) ?? new Set<Consumer>();
    this.groups.set(groupKey, set);
    const refusal = this.applyEpoch(set, epoch);
    if (refusal) return refusal;
    const capabilities = ([] as string[]).concat(sender.desired_capabilities ?? []);
    const consumer: Consumer = {
      sender,
      log,
      next: log.startIndex(filter),
      epoch,
      runtimeMetric: capabilities.includes(RUNTIME_METRIC),
    };
    set.add(consumer);
    this.bySender.set(sender, { key: groupKey, consumer });
    return undefined;
  }

  detach(sender: Sender): void {
    const entry = this.bySender.get(sender);
    if (!entry) return;
    this.bySender.delete(sender);
    this.groups.get(entry.key)?.delete(entry.consumer);
  }

  /** Sends what the link's credit allows. Called on `sendable` and after each publish. */
  pump(sender: Sender): void {
    const entry = this.bySender.get(sender);
    if (entry) deliver(entry.consumer);
  }

  pumpPartition(log: PartitionLog): void {
    for (const { consumer } of this.bySender.values()) if (consumer.log === log) deliver(consumer);
  }

  count(): number {
    return this.bySender.size;
  }

  private applyEpoch(set: Set<Consumer>, epoch: number | undefined): string | undefined {
    const highest = Math.max(-1, ...[...set].map((c) => c.epoch ?? -1));
    const hasEpoch = [...set].some((c) => c.epoch !== undefined);
    if (epoch === undefined)
      return hasEpoch ? 'an owner-level receiver is active on this partition' : undefined;
    if (epoch < highest) return `a receiver with a higher owner level (${highest}) is active`;
    for (const c of [...set]) {
      // The newcomer wins: the service detaches the older receivers of this group and partition.
      set.delete(c);
      this.bySender.delete(c.sender);
      c.sender.close({
        condition: 'amqp:link:stolen',
        description: `new receiver with owner level ${epoch}`,
      });
    }
    return undefined;
  }
}

function deliver(c: Consumer): void {
  while (c.next < c.log.events.length && c.sender.sendable()) {
    const event = c.log.events[c.next]!;
    c.sender.send(toWire(event, c));
    c.next += 1;
  }
}

function toWire(event: StoredEvent, c: Consumer): Message {
  const annotations: Record<string, unknown> = {
    ...((event.message.message_annotations as Record<string, unknown> | undefined) ?? {}),
    'x-opt-sequence-number': rhea.types.wrap_long(event.sequenceNumber),
    'x-opt-offset': String(event.offset),
    'x-opt-enqueued-time': new Date(event.enqueuedTimeMs),
  };
  if (event.partitionKey !== undefined) annotations['x-opt-partition-key'] = event.partitionKey;
  const message = { ...event.message, message_annotations: annotations } as Message;
  if (c.runtimeMetric) {
    const p = c.log.properties();
    message.delivery_annotations = {
      last_enqueued_sequence_number: rhea.types.wrap_long(p.lastSequenceNumber),
      last_enqueued_offset: String(p.lastOffset),
      last_enqueued_time_utc: new Date(p.lastEnqueuedTimeMs),
      runtime_info_retrieval_time_utc: new Date(),
    };
  }
  return message;
}
