import type { Message } from 'rhea';
import type { PartitionLog } from './partition-log.js';

/**
 * Part of the Event Hubs **test double** (not an emulator): answers for the `$cbs` and
 * `$management` request/response nodes. Shapes follow what `@azure/core-amqp` and
 * `@azure/event-hubs` (ManagementClient) read: `status-code` in application properties,
 * `correlation_id` = the request's `message_id`, and a map body with `partition_ids`,
 * `begin_sequence_number`, `last_enqueued_offset`, … .
 * @see https://learn.microsoft.com/azure/event-hubs/event-hubs-amqp-troubleshoot
 */
export interface HubState {
  name: string;
  createdAtMs: number;
  partitions: Map<string, PartitionLog>;
}

export function cbsResponse(request: Message): Message {
  // Any token is accepted: the double checks nothing about SAS or Entra ID tokens.
  return reply(request, 200, 'OK', undefined);
}

export function managementResponse(request: Message, hubs: Map<string, HubState>): Message {
  const props = (request.application_properties ?? {}) as Record<string, unknown>;
  if (props.operation !== 'READ')
    return reply(request, 400, `unsupported operation ${String(props.operation)}`);
  const hub = hubs.get(String(props.name));
  if (!hub) return reply(request, 404, `hub ${String(props.name)} not found`, undefined, 'amqp:not-found');
  if (props.type === 'com.microsoft:eventhub') {
    return reply(request, 200, 'OK', {
      name: hub.name,
      type: 'com.microsoft:eventhub',
      created_at: new Date(hub.createdAtMs),
      partition_count: hub.partitions.size,
      partition_ids: [...hub.partitions.keys()],
    });
  }
  if (props.type === 'com.microsoft:partition') {
    const log = hub.partitions.get(String(props.partition));
    if (!log)
      return reply(
        request,
        404,
        `partition ${String(props.partition)} not found`,
        undefined,
        'amqp:not-found',
      );
    const p = log.properties();
    return reply(request, 200, 'OK', {
      name: hub.name,
      type: 'com.microsoft:partition',
      partition: log.id,
      begin_sequence_number: p.beginSequenceNumber,
      last_enqueued_sequence_number: p.lastSequenceNumber,
      last_enqueued_offset: String(p.lastOffset),
      last_enqueued_time_utc: new Date(p.lastEnqueuedTimeMs),
      is_partition_empty: p.isEmpty,
    });
  }
  return reply(request, 400, `unsupported type ${String(props.type)}`);
}

function reply(
  request: Message,
  status: number,
  description: string,
  body?: unknown,
  condition?: string,
): Message {
  const application_properties: Record<string, unknown> = {
    'status-code': status,
    'status-description': description,
  };
  if (condition) application_properties['error-condition'] = condition;
  const message: Message = { application_properties, body: body ?? null };
  if (request.message_id !== undefined) message.correlation_id = request.message_id;
  if (request.reply_to) message.to = request.reply_to;
  return message;
}
