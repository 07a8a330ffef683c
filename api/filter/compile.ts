import type { ParamBag } from '../query/params.js';
import type { FilterNode, Literal } from './ast.js';

/**
 * Compiles a parsed filter to a SQL boolean expression. Column names come from the field whitelist;
 * every value becomes a typed parameter in `params`. `null` compiles to `1` (no filter).
 */
export function compileFilter(node: FilterNode | null, params: ParamBag): string {
  if (!node) return '1';
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.items.map((n) => compileFilter(n, params)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${compileFilter(node.expr, params)})`;
    case 'compare':
      if (node.field.array) {
        const has = `has(${node.field.column}, ${placeholder(node.value, params)})`;
        return node.op === '!=' ? `(NOT ${has})` : `(${has})`;
      }
      return `(${node.field.column} ${node.op} ${placeholder(node.value, params)})`;
    case 'in': {
      const type = node.values[0]!.type;
      const list = params.add(
        `Array(${type})`,
        node.values.map((v) => v.value),
      );
      if (node.field.array) return `(${node.negated ? 'NOT ' : ''}hasAny(${node.field.column}, ${list}))`;
      return `(${node.field.column} ${node.negated ? 'NOT IN' : 'IN'} ${list})`;
    }
    case 'like':
      if (node.field.array) {
        const any = `arrayExists(x -> x LIKE ${params.add('String', node.pattern)}, ${node.field.column})`;
        return node.negated ? `(NOT ${any})` : `(${any})`;
      }
      return `(${node.field.column} ${node.negated ? 'NOT LIKE' : 'LIKE'} ${params.add('String', node.pattern)})`;
    case 'cidr': {
      const range = `${node.field.column} BETWEEN ${params.add('IPv6', node.low)} AND ${params.add('IPv6', node.high)}`;
      return node.negated ? `(NOT (${range}))` : `(${range})`;
    }
  }
}

function placeholder(value: Literal, params: ParamBag): string {
  return params.add(value.type, value.value);
}
