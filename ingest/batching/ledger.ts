import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { chNumber, query } from '../../core/clickhouse/query.js';
import type { RecordedBatch } from './plan.js';
import type { BatchLedger } from './types.js';

const KEYS_PER_QUERY = 2000;

/** Rows read back are a trust boundary: another flowlens version may have written them. */
const RowSchema = z.object({
  batch_id: z.string(),
  member_list: z.array(z.string()),
  created_ms: chNumber,
  written_flag: chNumber,
});

/**
 * Batch membership in ClickHouse (`ingest_batches`, `ingest_batch_members`, migration 0600).
 * `record` inserts the member rows first and the batch row last, with `async_insert=0` (session
 * setting), so a batch row is only ever visible with all its member rows.
 */
export function clickHouseLedger(client: ClickHouseClient): BatchLedger {
  return {
    async record(batchId, members) {
      await client.insert({
        table: 'ingest_batch_members',
        format: 'JSONEachRow',
        values: members.map((member) => ({ member, batch_id: batchId })),
      });
      await client.insert({
        table: 'ingest_batches',
        format: 'JSONEachRow',
        values: [{ batch_id: batchId, members }],
      });
    },
    async markWritten(batchId) {
      await client.insert({
        table: 'ingest_batches',
        format: 'JSONEachRow',
        values: [{ batch_id: batchId, members: [], written: 1 }],
      });
    },
    async lookup(members) {
      const out: RecordedBatch[] = [];
      for (let i = 0; i < members.length; i += KEYS_PER_QUERY) {
        const rows = await query(client, {
          name: 'batches of members',
          sql:
            'SELECT batch_id, argMax(members, length(members)) AS member_list, max(written) AS written_flag, ' +
            'toUnixTimestamp64Milli(min(created_at)) AS created_ms ' +
            'FROM ingest_batches WHERE batch_id IN (SELECT batch_id FROM ingest_batch_members ' +
            'WHERE member IN {members:Array(String)}) GROUP BY batch_id',
          params: { members: members.slice(i, i + KEYS_PER_QUERY) },
          row: RowSchema,
        });
        for (const row of rows)
          out.push({
            batchId: row.batch_id,
            members: row.member_list,
            createdMs: row.created_ms,
            written: row.written_flag > 0,
          });
      }
      return out;
    },
  };
}
