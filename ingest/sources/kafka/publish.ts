import type { Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { type MessageMode, toMessages } from './messages.js';

export interface PublishOptions {
  topic: string;
  mode: MessageMode;
  /** Most bytes per produce request [900 KB]: a record batch must fit the broker's `message.max.bytes` (1 MB by default). */
  maxRequestBytes?: number;
  /** Spread messages over partitions round-robin (default); or key them by file for ordering per file. */
  keyByFile?: boolean;
}

export interface PublishResult {
  files: number;
  messages: number;
  bytes: number;
}

/** A file's path (for keys and errors) and its content. */
export interface PublishInput {
  name: string;
  content: Buffer;
}

/**
 * Sends flow-log files to a Kafka topic (or Event Hubs through its Kafka endpoint) as messages in
 * the chosen shape (messages.ts). The caller owns the client; this connects and disconnects a producer.
 * @see https://kafka.js.org/docs/producing
 */
export async function publishFiles(
  kafka: Kafka,
  inputs: Iterable<PublishInput>,
  opts: PublishOptions,
): Promise<PublishResult> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const result: PublishResult = { files: 0, messages: 0, bytes: 0 };
  try {
    for (const input of inputs) {
      const messages = toMessages(input.content, opts.mode);
      await sendChunked(producer, opts, input.name, messages);
      result.files += 1;
      result.messages += messages.length;
      result.bytes += messages.reduce((s, m) => s + m.length, 0);
    }
  } finally {
    await producer.disconnect();
  }
  return result;
}

async function sendChunked(
  producer: Producer,
  opts: PublishOptions,
  name: string,
  messages: Buffer[],
): Promise<void> {
  const limit = opts.maxRequestBytes ?? 900 * 1024;
  for (const chunk of chunksByBytes(messages, limit)) {
    await producer.send({
      topic: opts.topic,
      acks: -1,
      messages: chunk.map((value) => (opts.keyByFile ? { key: name, value } : { value })),
    });
  }
}

/** Consecutive groups of at most `limit` bytes (a larger message goes alone). */
export function chunksByBytes(messages: readonly Buffer[], limit: number): Buffer[][] {
  const out: Buffer[][] = [];
  let current: Buffer[] = [];
  let bytes = 0;
  for (const m of messages) {
    if (current.length && bytes + m.length > limit) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += m.length;
  }
  if (current.length) out.push(current);
  return out;
}
