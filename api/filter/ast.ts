import type { FieldSpec } from './fields.js';

/** A typed literal, already validated against its field's type. */
export type Literal =
  | { type: 'String'; value: string }
  | { type: 'UInt64'; value: number }
  | { type: 'Bool'; value: boolean }
  /** IPv6 text (IPv4 as `::ffff:a.b.c.d`), the form the `IPv6` columns compare with. */
  | { type: 'IPv6'; value: string };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type FilterNode =
  | { kind: 'and' | 'or'; items: FilterNode[] }
  | { kind: 'not'; expr: FilterNode }
  | { kind: 'compare'; field: FieldSpec; op: CompareOp; value: Literal }
  | { kind: 'in'; field: FieldSpec; negated: boolean; values: Literal[] }
  | { kind: 'like'; field: FieldSpec; negated: boolean; pattern: string }
  /** Address range `[low, high]` (IPv6 text) from a CIDR. */
  | { kind: 'cidr'; field: FieldSpec; negated: boolean; low: string; high: string; text: string };

/** Every field an expression touches (to decide whether rollups can answer it). */
export function fieldsOf(node: FilterNode | null, out = new Set<string>()): Set<string> {
  if (!node) return out;
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const n of node.items) fieldsOf(n, out);
      break;
    case 'not':
      fieldsOf(node.expr, out);
      break;
    default:
      out.add(node.field.name);
  }
  return out;
}
