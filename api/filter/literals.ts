import { formatIp, ipBytes, maskInPlace, parseCidr } from '../../core/net/ip.js';
import type { Literal } from './ast.js';
import { FILTER_LIMITS, FilterError } from './errors.js';
import { type FieldSpec, PROTOCOL_NAMES } from './fields.js';
import type { Token } from './tokenize.js';

/** Converts a value token to a literal of the field's type, or explains why it cannot. */
export function literalFor(field: FieldSpec, token: Token): Literal {
  if (token.kind !== 'word' && token.kind !== 'string') {
    throw new FilterError(`expected a value for ${field.name}`, token.pos);
  }
  const text = token.text;
  if (text.length > FILTER_LIMITS.maxStringLength) throw new FilterError('value too long', token.pos);
  switch (field.type) {
    case 'string':
      return { type: 'String', value: text };
    case 'enum': {
      const v = text.toLowerCase();
      if (!field.values?.includes(v)) {
        throw new FilterError(`${field.name} must be one of ${field.values?.join(', ')}`, token.pos);
      }
      return { type: 'String', value: v };
    }
    case 'ip':
      return { type: 'IPv6', value: ipText(field, token) };
    case 'bool':
      return { type: 'Bool', value: boolValue(field, token) };
    case 'protocol': {
      const named = PROTOCOL_NAMES[text.toLowerCase()];
      return { type: 'UInt64', value: named ?? intValue(field, token, 255) };
    }
    case 'port':
      return { type: 'UInt64', value: intValue(field, token, 65535) };
    case 'uint':
      return { type: 'UInt64', value: intValue(field, token, Number.MAX_SAFE_INTEGER) };
  }
}

function intValue(field: FieldSpec, token: Token, max: number): number {
  if (!/^\d{1,16}$/.test(token.text)) throw new FilterError(`${field.name} needs a whole number`, token.pos);
  const n = Number(token.text);
  if (n > max) throw new FilterError(`${field.name} must be at most ${max}`, token.pos);
  return n;
}

function boolValue(field: FieldSpec, token: Token): boolean {
  const v = token.text.toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new FilterError(`${field.name} must be true or false`, token.pos);
}

function ipText(field: FieldSpec, token: Token): string {
  if (token.text.includes('/')) {
    throw new FilterError(`${field.name} takes one address; use << for a CIDR range`, token.pos);
  }
  const bytes = ipBytes(token.text);
  if (!bytes) throw new FilterError(`${JSON.stringify(token.text)} is not an IP address`, token.pos);
  return ipv6Text(bytes);
}

/** The inclusive address range of a CIDR, as IPv6 text for `BETWEEN {lo:IPv6} AND {hi:IPv6}`. */
export function cidrRange(field: FieldSpec, token: Token): { low: string; high: string; text: string } {
  const cidr = token.kind === 'word' || token.kind === 'string' ? parseCidr(token.text) : null;
  if (!cidr) throw new FilterError(`${field.name} << needs a CIDR like 10.0.0.0/8`, token.pos);
  const high = new Uint8Array(cidr.bytes);
  for (let bit = cidr.prefix; bit < 128; bit++) high[bit >> 3]! |= 0x80 >> (bit & 7);
  const low = new Uint8Array(cidr.bytes);
  maskInPlace(low, cidr.prefix);
  return { low: ipv6Text(low), high: ipv6Text(high), text: cidr.text };
}

/** IPv6 text ClickHouse parses into the same 16 bytes (IPv4-mapped for IPv4). */
function ipv6Text(bytes: Uint8Array): string {
  const text = formatIp(bytes);
  return text.includes(':') ? text : `::ffff:${text}`;
}
