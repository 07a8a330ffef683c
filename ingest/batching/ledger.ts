import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import type { RecordedBatch } from './plan.js';
import type { BatchLedger } from './types.js';

const KEYS_PER_QUERY = 2000;

/** Rows read back are a trust boundary: another flowlens version may have written them. */
const RowSchema = z.object({
  batch_id: z.string(),
  member_list: z.array(z.string()),
  created_ms: z.union([z.number(), z.string()]).transform(Number),
  written_flag: z.union([z.number(), z.string()]).transform(Number),
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
        const rs = await client.query({
          query:
            'SELECT batch_id, argMax(members, length(members)) AS member_list, max(written) AS written_flag, ' +
            'toUnixTimestamp64Milli(min(created_at)) AS created_ms ' +
            'FROM ingest_batches WHERE batch_id IN (SELECT batch_id FROM ingest_batch_members ' +
            'WHERE member IN {members:Array(String)}) GROUP BY batch_id',
          query_params: { members: members.slice(i, i + KEYS_PER_QUERY) },
          format: 'JSONEachRow',
        });
        for (const row of await rs.json<unknown>()) {
          const parsed = RowSchema.safeParse(row);
          if (parsed.success)
            out.push({
              batchId: parsed.data.batch_id,
              members: parsed.data.member_list,
              createdMs: parsed.data.created_ms,
              written: parsed.data.written_flag > 0,
            });
        }
      }
      return out;
    },
  };
}
