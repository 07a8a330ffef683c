/**
 * The body of one Kafka SourceBatch: the messages of one offset range of one partition, framed so
 * that {@link withKafkaFrames} can normalize every message on its own (a poison message then costs
 * one reject, never the whole range) and name each reject by topic/partition/offset.
 *
 * Why a frame instead of joining message bodies: a message may be a whole PT1H.json blob with line
 * breaks inside, a single record, or a connector `{"records":[…]}` batch, so no text join keeps
 * every shape parseable. Layout (little-endian): 8-byte magic, u32 key length, key (UTF-8),
 * u32 count, count × (f64 offset, u32 length, u8 flags), then the payloads back to back. The magic
 * starts with a NUL byte, which no JSON or CSV text can start with.
 */
export interface FramedMessage {
  offset: number;
  /** Empty for a null (tombstone) value. */
  value: Buffer;
  flags: number;
  /** The message's timestamp, epoch ms (for the lag gauge; not written into the frame). */
  timestampMs?: number;
}

/** The value was null (a tombstone). */
export const FLAG_NULL = 1;
/** The value exceeded `maxMessageBytes`; `value` holds only its first bytes (for the reject excerpt). */
export const FLAG_TOO_LARGE = 2;

const MAGIC = Buffer.from([0x00, 0x46, 0x4c, 0x4b, 0x46, 0x52, 0x01, 0x00]); // \0 F L K F R v1
const ENTRY = 13;

export function isKafkaFrame(body: Buffer): boolean {
  return body.length >= MAGIC.length && body.subarray(0, MAGIC.length).equals(MAGIC);
}

export function encodeFrame(key: string, messages: readonly FramedMessage[]): Buffer {
  const keyBytes = Buffer.from(key, 'utf8');
  const head = Buffer.alloc(MAGIC.length + 4 + keyBytes.length + 4 + messages.length * ENTRY);
  MAGIC.copy(head, 0);
  let p = head.writeUInt32LE(keyBytes.length, MAGIC.length);
  p += keyBytes.copy(head, p);
  p = head.writeUInt32LE(messages.length, p);
  for (const m of messages) {
    p = head.writeDoubleLE(m.offset, p);
    p = head.writeUInt32LE(m.value.length, p);
    p = head.writeUInt8(m.flags, p);
  }
  return Buffer.concat([head, ...messages.map((m) => m.value)]);
}

export interface DecodedFrame {
  key: string;
  messages: (FramedMessage & { byteOffset: number })[];
}

/** Inverse of {@link encodeFrame}; throws RangeError on a truncated or foreign body. */
export function decodeFrame(body: Buffer): DecodedFrame {
  if (!isKafkaFrame(body)) throw new RangeError('not a Kafka frame');
  let p = MAGIC.length;
  const keyLength = body.readUInt32LE(p);
  p += 4;
  const key = body.toString('utf8', p, p + keyLength);
  p += keyLength;
  const count = body.readUInt32LE(p);
  p += 4;
  let data = p + count * ENTRY;
  const messages: DecodedFrame['messages'] = [];
  for (let i = 0; i < count; i++, p += ENTRY) {
    const length = body.readUInt32LE(p + 8);
    if (data + length > body.length) throw new RangeError('Kafka frame truncated');
    messages.push({
      offset: body.readDoubleLE(p),
      value: body.subarray(data, data + length),
      flags: body.readUInt8(p + 12),
      byteOffset: data,
    });
    data += length;
  }
  return { key, messages };
}
