import { PermanentError, TransientError } from '../../../core/errors.js';

/**
 * ClickHouse error codes that mean this block's *data* cannot be inserted, so repeating the same
 * insert cannot help and the rows are dead-lettered. Everything else (network, timeouts, too many
 * parts, memory, a busy or read-only replica) is worth a retry with backoff.
 *
 * Deployment problems (unknown table/column/database/function, syntax, query parameters, access,
 * authentication) are deliberately NOT here although retrying the same statement fails the same way:
 * our statement is fixed, so such an error is wrong for every block, and dead-lettering would turn
 * a migration or grant mistake into the silent loss of all traffic. Classified transient, they stop
 * the pipeline without acking; its supervisor restarts it with backoff until the operator fixes it.
 * @see https://github.com/ClickHouse/ClickHouse/blob/master/src/Common/ErrorCodes.cpp
 */
const PERMANENT_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  33, // CANNOT_READ_ALL_DATA
  36, // BAD_ARGUMENTS
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  130, // CANNOT_READ_ARRAY_FROM_TEXT
  135, // ZERO_ARRAY_OR_TUPLE_INDEX
  190, // SIZES_OF_ARRAYS_DONT_MATCH
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  377, // INCORRECT_DATA (parsing)
]);

/**
 * Wraps any failure of an insert as {@link TransientError} or {@link PermanentError}.
 * Errors without a ClickHouse code (sockets, file system) are transient: a full tmpfs or a
 * restarting server heals; a bounded retry budget keeps a real outage from spinning forever.
 */
export function classifyInsertError(err: unknown): TransientError | PermanentError {
  if (err instanceof TransientError || err instanceof PermanentError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = clickHouseCode(err);
  if (code !== undefined && PERMANENT_CODES.has(code)) {
    return new PermanentError(`ClickHouse error ${code}: ${message}`, { cause: err });
  }
  return new TransientError(code === undefined ? message : `ClickHouse error ${code}: ${message}`, {
    cause: err,
  });
}

/** The numeric code of a ClickHouseError (chDB's copy of the class too, hence duck typing). */
export function clickHouseCode(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = Number((err as { code: unknown }).code);
  return Number.isInteger(code) && code > 0 ? code : undefined;
}
