/**
 * A piece of input that could not become a flow row. Nothing is dropped silently: every reject is
 * counted and written to the `rejects` table (the dead letter) with where it came from.
 */
export interface Reject {
  reason: RejectReason;
  /** Human-readable specifics, e.g. "expected 8 or 13 fields, got 11". */
  detail: string;
  /** Byte offset in the source body where the bad piece starts (-1 when unknown). */
  offset: number;
  /** Record index inside the body (-1 when unknown), and tuple index inside the record (-1 for whole records). */
  recordIndex: number;
  tupleIndex: number;
  /** At most {@link EXCERPT_LIMIT} characters of the offending input. */
  excerpt: string;
}

/** The closed list of reasons. Add a reason here (and to docs/data-model.md) rather than inventing strings. */
export const REJECT_REASONS = [
  'invalid-json', // body or record is not parseable JSON
  'unknown-shape', // valid JSON, but not a flow-log record of any known format
  'missing-field', // a required record field is absent or has the wrong type
  'record-time', // the record's `time` is absent or unreadable (never stored as 1970-01-01)
  'tuple-field-count', // tuple has neither 8 nor 13 fields
  'tuple-timestamp', // timestamp not an epoch in seconds or milliseconds
  'tuple-ip', // source or destination is not an IPv4/IPv6 address
  'tuple-port', // port not an integer 0–65535
  'tuple-protocol', // protocol neither T/U nor a number 0–255
  'tuple-direction', // direction not I/O
  'tuple-decision', // decision/state letter unknown
  'tuple-counter', // counter not a non-negative integer
  'tuple-encryption', // VNet encryption column not a token like X, NX, NX_*
  'sink-permanent', // the database refused the rows permanently (schema, type); rows kept as excerpt
  'message-too-large', // a message or block beyond the configured limit
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const EXCERPT_LIMIT = 512;

/**
 * At most {@link EXCERPT_LIMIT} UTF-16 units of `text`, cut on a code point (never inside a surrogate
 * pair) and well-formed: a lone surrogate becomes U+FFFD. Why: the rejects insert must accept every
 * excerpt, and a split emoji made ClickHouse refuse the whole rejects block (error 25), which stopped
 * the run. Invalid UTF-8 bytes already become U+FFFD when the body is decoded.
 */
export function excerpt(text: string): string {
  if (text.length <= EXCERPT_LIMIT) return wellFormed(text);
  let end = EXCERPT_LIMIT - 1;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
  return `${wellFormed(text.slice(0, end))}…`;
}

/** `text` with every lone surrogate replaced by U+FFFD (String#toWellFormed, missing in Node 20). */
export function wellFormed(text: string): string {
  if (!/[\uD800-\uDFFF]/.test(text)) return text;
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
