import type { FlowColumns } from '../../../core/flow/batch.js';
import { excerpt, type Reject } from '../../../core/flow/reject.js';
import type { NormalizeMeta, NormalizeResult, Normalizer } from '../../contracts.js';
import { concatColumns } from './concat-columns.js';
import { decodeFrame, FLAG_NULL, FLAG_TOO_LARGE, type FramedMessage, isKafkaFrame } from './frame.js';

/**
 * Wraps the normalizer so that Kafka range bodies (see frame.ts) are normalized message by message
 * and merged; any other body goes to `base` untouched, so the wrapper is safe for every source.
 *
 * Rejects from a framed body carry the Kafka offset in `offset` and `topic/partition@offset` at the
 * start of `detail`: a poison message is findable in the topic, and the rest of its range is kept.
 */
export function withKafkaFrames(base: Normalizer): Normalizer {
  return (body, meta) => (isKafkaFrame(body) ? normalizeFrame(base, body, meta) : base(body, meta));
}

function normalizeFrame(base: Normalizer, body: Buffer, meta: NormalizeMeta): NormalizeResult {
  let frame: ReturnType<typeof decodeFrame>;
  try {
    frame = decodeFrame(body);
  } catch (err) {
    return empty([reject('unknown-shape', `corrupt Kafka frame: ${(err as Error).message}`, -1, '')]);
  }
  const parts: FlowColumns[] = [];
  const rejects: Reject[] = [];
  let records = 0;
  for (const m of frame.messages) {
    const where = `${frame.key}@${m.offset}`;
    const bad = messageProblem(m, where);
    if (bad) {
      rejects.push(bad);
      records += 1;
      continue;
    }
    const r = safeNormalize(base, m, { ...meta, baseOffset: (meta.baseOffset ?? 0) + m.byteOffset }, where);
    parts.push(r.columns);
    records += r.records;
    for (const x of r.rejects) rejects.push({ ...x, offset: m.offset, detail: `${where}: ${x.detail}` });
  }
  return { columns: concatColumns(parts), rejects, records };
}

function messageProblem(m: FramedMessage, where: string): Reject | undefined {
  if (m.flags & FLAG_TOO_LARGE) {
    return reject(
      'message-too-large',
      `${where}: message larger than maxMessageBytes`,
      m.offset,
      m.value.toString('utf8'),
    );
  }
  if (m.flags & FLAG_NULL || m.value.length === 0) {
    return reject('invalid-json', `${where}: empty message (null value)`, m.offset, '');
  }
  return undefined;
}

function safeNormalize(
  base: Normalizer,
  m: FramedMessage,
  meta: NormalizeMeta,
  where: string,
): NormalizeResult {
  try {
    return base(m.value, meta);
  } catch (err) {
    // The contract says normalizers never throw; if one does, the message still must not stall its partition.
    return empty([
      reject(
        'unknown-shape',
        `${where}: normalizer failed: ${(err as Error).message}`,
        m.offset,
        m.value.toString('utf8', 0, 512),
      ),
    ]);
  }
}

function reject(reason: Reject['reason'], detail: string, offset: number, text: string): Reject {
  return { reason, detail, offset, recordIndex: -1, tupleIndex: -1, excerpt: excerpt(text) };
}

function empty(rejects: Reject[]): NormalizeResult {
  return { columns: concatColumns([]), rejects, records: rejects.length };
}
