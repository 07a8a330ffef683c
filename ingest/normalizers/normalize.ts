import { FlowBatchBuilder } from '../../core/flow/builder.js';
import type { NormalizeMeta, NormalizeResult, Normalizer } from '../contracts.js';
import { parseBlobName } from './blob-name.js';
import { RecordScanner } from './record-scan.js';
import { RecordStream } from './record-stream.js';

/**
 * Normalizes any Azure flow-log body (NSG v1/v2, VNet v4, Microsoft's connector records) into a
 * columnar batch. Pure: no I/O, no clock; never throws. Every tuple becomes one row or one reject;
 * a record that cannot be read as a whole becomes one record reject (`tupleIndex` -1).
 *
 * Identical records are all kept: rows are identified by source position (`recordOffset`,
 * `tupleIndex`), and the sink deduplicates replays of the same range, not equal content.
 * @see https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview#log-format
 * @see https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview#log-format
 */
export const normalize: Normalizer = (body: Buffer, meta: NormalizeMeta): NormalizeResult => {
  const builder = new FlowBatchBuilder(capacityFor(body));
  const blob = meta.blobName ? parseBlobName(meta.blobName) : null;
  const scan = new RecordScanner(builder, meta.baseOffset ?? 0, blob);
  const stream = new RecordStream(body, scan);
  try {
    stream.run();
  } catch (err) {
    // Unreachable by design (record() catches); kept so a bug never takes the pipeline down.
    scan.rejectRecord('invalid-json', `normalizer error: ${err}`, '');
  }
  return { columns: builder.finish(), rejects: scan.rejects, records: stream.records };
};

/** Connector records are ≈ 600 bytes per tuple (the real sample: 590); a key this early marks them. */
const CONNECTOR_KEY = Buffer.from('"nsgRuleName"');

/**
 * Rows to reserve: sized so one allocation usually suffices (no doubling copies) without reserving
 * ten times too much for connector messages, which are small and many on a stream.
 */
function capacityFor(body: Buffer): number {
  // ≥ 60 bytes per tuple even in dense blobs (real ones: 90–120).
  if (body.subarray(0, 2048).indexOf(CONNECTOR_KEY) < 0) return Math.ceil(body.length / 56);
  return Math.ceil(body.length / 400);
}
