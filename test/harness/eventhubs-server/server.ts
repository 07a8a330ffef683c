import type { AddressInfo, Server, Socket } from 'node:net';
import rhea, { type Connection, type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import { PartitionConsumers } from './consumers.js';
import { parseSelectorFilter } from './filter.js';
import { PartitionLog, type PartitionProperties, type StoredEvent } from './partition-log.js';
import { producerEvents } from './producer.js';
import { cbsResponse, type HubState, managementResponse } from './requests.js';

/**
 * A **test double of the Azure Event Hubs service, not an emulator**: a small AMQP 1.0 server on
 * `rhea` that speaks just enough of the Event Hubs protocol for the real `@azure/event-hubs` SDK
 * (EventHubConsumerClient with its load balancing, EventHubProducerClient) to run against it:
 * SASL ANONYMOUS/PLAIN, CBS put-token (any token accepted), `$management` READ of hub and
 * partition properties, partition receivers with the selector filter and owner levels, producer
 * links on `<hub>` and `<hub>/Partitions/<id>` (batched messages), in-memory logs only.
 * Not modelled: authorization, retention/expiry, throttling, idempotent publishing, geo-replication,
 * AMQP over WebSockets, TLS. See docs/ingest-event-hubs.md.
 * @see https://learn.microsoft.com/azure/event-hubs/event-hubs-amqp-troubleshoot
 */
export interface EventHubsTestDoubleOptions {
  /** Hub name → partition count. Default `{ flowlogs: 4 }`. */
  hubs?: Record<string, number>;
  /** Default 0 (a free port). */
  port?: number;
  /** Largest message a producer may send (the service allows 1 MB on Standard). */
  maxMessageSize?: number;
  /** Clock for enqueued times (ms). */
  now?: () => number;
}

export interface PublishOptions {
  hub?: string;
  partitionKey?: string;
  properties?: Record<string, string | number | boolean>;
}

export interface EventHubsTestDouble {
  readonly port: number;
  /** `Endpoint=sb://127.0.0.1:PORT;…;EntityPath=<hub>;UseDevelopmentEmulator=true` */
  connectionString(hub?: string): string;
  /** Appends an event directly (no AMQP producer), e.g. to plant a poison message. */
  publish(partition: string, body: Buffer | string, options?: PublishOptions): StoredEvent;
  partitionProperties(partition: string, hub?: string): PartitionProperties;
  /** Open partition receiver links (for tests of load balancing). */
  receiverCount(): number;
  stop(): Promise<void>;
}

export async function startEventHubsTestDouble(
  options: EventHubsTestDoubleOptions = {},
): Promise<EventHubsTestDouble> {
  const now = options.now ?? Date.now;
  const hubs = createHubs(options.hubs ?? { flowlogs: 4 }, now());
  const defaultHub = [...hubs.keys()][0]!;
  const consumers = new PartitionConsumers();
  const container = rhea.create_container({ id: 'eventhubs-test-double' });
  container.sasl_server_mechanisms.enable_anonymous();
  container.sasl_server_mechanisms.enable_plain(() => true);
  const replyLinks = new Map<Connection, Map<string, Sender>>();
  const wiring: Wiring = {
    hubs,
    consumers,
    replyLinks,
    now,
    maxMessageSize: options.maxMessageSize ?? 1 << 20,
  };
  wire(container, wiring);
  const server = container.listen({ port: options.port ?? 0, host: '127.0.0.1' }) as Server;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const hubOf = (name = defaultHub): HubState => {
    const hub = hubs.get(name);
    if (!hub) throw new Error(`test double has no hub ${name}`);
    return hub;
  };
  const logOf = (partition: string, hub?: string): PartitionLog => {
    const log = hubOf(hub).partitions.get(partition);
    if (!log) throw new Error(`test double has no partition ${partition}`);
    return log;
  };
  let stopped: Promise<void> | undefined;
  return {
    port,
    connectionString: (hub = defaultHub) =>
      `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=k;SharedAccessKey=k;EntityPath=${hub};UseDevelopmentEmulator=true`,
    publish(partition, body, opts = {}) {
      const log = logOf(partition, opts.hub);
      const data = typeof body === 'string' ? Buffer.from(body) : body;
      const message: Record<string, unknown> = { body: rhea.message.data_section(data) };
      if (opts.properties) message.application_properties = opts.properties;
      const event = log.append(message, data.length, opts.partitionKey, now());
      consumers.pumpPartition(log);
      return event;
    },
    partitionProperties: (partition, hub) => logOf(partition, hub).properties(),
    receiverCount: () => consumers.count(),
    stop: () => {
      stopped ??= close(server, sockets);
      return stopped;
    },
  };
}

interface Wiring {
  hubs: Map<string, HubState>;
  consumers: PartitionConsumers;
  replyLinks: Map<Connection, Map<string, Sender>>;
  now: () => number;
  maxMessageSize: number;
}

const PARTITION_SOURCE = /^([^/]+)\/ConsumerGroups\/([^/]+)\/Partitions\/([^/]+)$/i;
const PRODUCER_TARGET = /^([^/]+)(?:\/Partitions\/([^/]+))?$/i;

function wire(container: ReturnType<typeof rhea.create_container>, w: Wiring): void {
  container.on('sender_open', (ctx: EventContext) => onSenderOpen(ctx.sender!, w));
  container.on('sendable', (ctx: EventContext) => w.consumers.pump(ctx.sender!));
  container.on('sender_close', (ctx: EventContext) => w.consumers.detach(ctx.sender!));
  container.on('receiver_open', (ctx: EventContext) => onReceiverOpen(ctx.receiver!, w));
  container.on('message', (ctx: EventContext) => onMessage(ctx, w));
  const forget = (ctx: EventContext) => {
    w.replyLinks.delete(ctx.connection);
    for (const session of linksOf(ctx.connection)) w.consumers.detach(session);
  };
  container.on('disconnected', forget);
  container.on('connection_close', forget);
  // Errors on links and connections are the SDK's business (it retries); the double must not crash.
  container.on('error', () => undefined);
}

function onSenderOpen(sender: Sender, w: Wiring): void {
  const address = sender.source?.address ?? '';
  sender.set_source(sender.source);
  sender.set_target(sender.target);
  if (address === '$cbs' || address === '$management') {
    const links = w.replyLinks.get(sender.connection) ?? new Map<string, Sender>();
    w.replyLinks.set(sender.connection, links);
    links.set(sender.target?.address ?? sender.name, sender);
    return;
  }
  const m = PARTITION_SOURCE.exec(address);
  const log = m ? w.hubs.get(m[1]!)?.partitions.get(m[3]!) : undefined;
  if (!m || !log) {
    sender.close({ condition: 'amqp:not-found', description: `no entity ${address}` });
    return;
  }
  const filter = parseSelectorFilter(selectorText(sender));
  if (!filter) {
    sender.close({ condition: 'amqp:invalid-field', description: 'unsupported selector filter' });
    return;
  }
  const refusal = w.consumers.attach(sender, `${m[1]}/${m[2]!.toLowerCase()}/${m[3]}`, log, filter);
  if (refusal) sender.close({ condition: 'amqp:link:stolen', description: refusal });
}

function onReceiverOpen(receiver: Receiver, w: Wiring): void {
  receiver.set_source(receiver.source);
  receiver.set_target(receiver.target);
  // rhea has no option for this on remote-initiated links; the SDK sizes its batches from it.
  (receiver as unknown as { local: { attach: { max_message_size: number } } }).local.attach.max_message_size =
    w.maxMessageSize;
  const address = receiver.target?.address ?? '';
  if (address === '$cbs' || address === '$management') return;
  const m = PRODUCER_TARGET.exec(address);
  const hub = m ? w.hubs.get(m[1]!) : undefined;
  if (!m || !hub || (m[2] !== undefined && !hub.partitions.has(m[2]))) {
    receiver.close({ condition: 'amqp:not-found', description: `no entity ${address}` });
  }
}

function onMessage(ctx: EventContext, w: Wiring): void {
  const receiver = ctx.receiver!;
  const address = receiver.target?.address ?? '';
  const request = ctx.message as Message; // a raw Buffer for batch formats (see producer.ts)

  if (address === '$cbs' || address === '$management') {
    const response = address === '$cbs' ? cbsResponse(request) : managementResponse(request, w.hubs);
    w.replyLinks.get(ctx.connection)?.get(String(request.reply_to))?.send(response);
    return;
  }
  const m = PRODUCER_TARGET.exec(address)!;
  const hub = w.hubs.get(m[1]!)!;
  const format = (ctx.delivery as unknown as { format?: number } | undefined)?.format ?? 0;
  for (const { partition, message, size, partitionKey } of producerEvents(hub, m[2], request, format)) {
    const log = hub.partitions.get(partition)!;
    log.append(message, size, partitionKey, w.now());
    w.consumers.pumpPartition(log);
  }
}

function selectorText(sender: Sender): string | undefined {
  const filter = (sender.source as { filter?: Record<string, unknown> } | undefined)?.filter;
  const raw = filter?.['apache.org:selector-filter:string'];
  if (raw === undefined) return undefined;
  if (typeof raw === 'string') return raw;
  const value = (raw as { value?: unknown }).value;
  return typeof value === 'string' ? value : JSON.stringify(raw);
}

function linksOf(connection: Connection): Sender[] {
  const sessions = (connection as unknown as { local_channel_map?: Record<string, { links?: object }> })
    .local_channel_map;
  const out: Sender[] = [];
  for (const session of Object.values(sessions ?? {})) {
    for (const link of Object.values(session.links ?? {}) as Array<Sender | Receiver>) {
      if (link.is_sender()) out.push(link as Sender);
    }
  }
  return out;
}

function createHubs(spec: Record<string, number>, createdAtMs: number): Map<string, HubState> {
  const hubs = new Map<string, HubState>();
  for (const [name, count] of Object.entries(spec)) {
    const partitions = new Map<string, PartitionLog>();
    for (let i = 0; i < count; i += 1) partitions.set(String(i), new PartitionLog(String(i)));
    hubs.set(name, { name, createdAtMs, partitions });
  }
  return hubs;
}

async function close(server: Server, sockets: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const s of sockets) s.destroy();
  await closed;
}
