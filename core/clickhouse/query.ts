import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { z } from 'zod';
import { PermanentError } from '../errors.js';
import { timeMs } from './time.js';

/**
 * A ClickHouse number: a JSON number, or the decimal text ClickHouse quotes 64-bit integers and
 * Decimals as. Empty or non-numeric text fails (plain `z.coerce.number()` would read '' as 0).
 */
export const chNumber = z
  .union([z.number(), z.string().regex(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i)])
  .transform(Number);

/** ClickHouse `DateTime`/`DateTime64` text (UTC) → ISO-8601 with milliseconds (core/clickhouse/time.ts). */
export const chIsoTime = z
  .string()
  .refine((s) => !Number.isNaN(timeMs(s)), 'not a ClickHouse time')
  .transform((s) => new Date(timeMs(s)).toISOString());

/**
 * One read: SQL with `{name:Type}` parameters and the zod schema every row must match. Rows read
 * back are a trust boundary: a renamed column or a changed type must fail loudly here, not turn
 * into `undefined` or `NaN` three calls later.
 */
export interface Read<Row> {
  sql: string;
  params?: Record<string, unknown>;
  row: z.ZodType<Row>;
  settings?: ClickHouseSettings;
  /** Names the query in errors; defaults to the start of its SQL. */
  name?: string;
}

/** A row that does not match its schema: names the query, the row, the field and the value. */
export class RowShapeError extends PermanentError {
  constructor(
    readonly query: string,
    readonly index: number,
    readonly field: string,
    detail: string,
  ) {
    super(`query "${query}": row ${index}, field "${field}": ${detail}`);
    this.name = 'RowShapeError';
  }
}

/**
 * Runs a read and returns its rows checked against `q.row`. The session sets
 * `output_format_json_quote_64bit_integers=0` (client.ts), but a 64-bit value may still arrive as a
 * string (Decimal, a server that ignores the setting): numeric fields use {@link chNumber}.
 */
export async function query<Row>(client: ClickHouseClient, q: Read<Row>): Promise<Row[]> {
  const rs = await client.query({
    query: q.sql,
    query_params: q.params ?? {},
    format: 'JSONEachRow',
    ...(q.settings ? { clickhouse_settings: q.settings } : {}),
  });
  const raw = await rs.json<unknown>();
  const out: Row[] = new Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = checkRow(q, raw[i], i);
  return out;
}

/** The first row, or undefined when the read returned none. */
export async function queryOne<Row>(client: ClickHouseClient, q: Read<Row>): Promise<Row | undefined> {
  return (await query(client, q))[0];
}

const CountRow = z.object({ n: chNumber });

/** A read of one `n` column (`SELECT count() AS n …`); 0 when it returned no row. */
export async function count(
  client: ClickHouseClient,
  sql: string,
  params: Record<string, unknown> = {},
  settings?: ClickHouseSettings,
): Promise<number> {
  const row = await queryOne(client, { sql, params, row: CountRow, ...(settings ? { settings } : {}) });
  return row?.n ?? 0;
}

function checkRow<Row>(q: Read<Row>, raw: unknown, index: number): Row {
  const parsed = q.row.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(row)';
  const value = issue.path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    raw,
  );
  const name = q.name ?? q.sql.replace(/\s+/g, ' ').trim().slice(0, 80);
  throw new RowShapeError(name, index, field, `${issue.message} (got ${preview(value)})`);
}

function preview(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
