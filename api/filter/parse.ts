import type { CompareOp, FilterNode, Literal } from './ast.js';
import { FILTER_LIMITS, FilterError } from './errors.js';
import { type FieldSpec, fieldSpec } from './fields.js';
import { cidrRange, literalFor } from './literals.js';
import { type Token, tokenize } from './tokenize.js';

/**
 * Parses a filter expression into a typed tree. Grammar (keywords case-insensitive):
 *
 *   expr       := or
 *   or         := and ( OR and )*
 *   and        := unary ( AND unary )*
 *   unary      := NOT unary | '(' expr ')' | comparison
 *   comparison := field op value | field [NOT] IN '(' value ( ',' value )* ')'
 *               | field [NOT] LIKE value | field ( '<<' | '!<<' ) cidr
 *   op         := '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='
 *
 * An empty or blank expression parses to `null` (no filter).
 */
export function parseFilter(input: string): FilterNode | null {
  const tokens = tokenize(input);
  if (tokens.length === 1) return null;
  const parser = new Parser(tokens);
  const node = parser.expression(0);
  parser.expectEnd();
  return node;
}

const COMPARE_OPS = new Set(['=', '!=', '<', '<=', '>', '>=']);
const ORDERED_TYPES = new Set(['port', 'uint', 'protocol']);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private isKeyword(word: string, t = this.peek()): boolean {
    return t.kind === 'word' && t.text.toUpperCase() === word;
  }

  expectEnd(): void {
    const t = this.peek();
    if (t.kind !== 'end') throw new FilterError(`unexpected ${describe(t)}`, t.pos);
  }

  expression(depth: number): FilterNode {
    if (depth > FILTER_LIMITS.maxDepth) throw new FilterError('filter nested too deeply', this.peek().pos);
    return this.binary('OR', () => this.binary('AND', () => this.unary(depth)));
  }

  private binary(keyword: 'AND' | 'OR', operand: () => FilterNode): FilterNode {
    const items = [operand()];
    while (this.isKeyword(keyword)) {
      this.next();
      items.push(operand());
    }
    if (items.length === 1) return items[0]!;
    return { kind: keyword === 'AND' ? 'and' : 'or', items };
  }

  private unary(depth: number): FilterNode {
    const t = this.peek();
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', expr: this.unaryNested(depth + 1) };
    }
    if (t.kind === 'lparen') {
      this.next();
      const inner = this.expression(depth + 1);
      const close = this.next();
      if (close.kind !== 'rparen')
        throw new FilterError(`expected ) but found ${describe(close)}`, close.pos);
      return inner;
    }
    return this.comparison();
  }

  private unaryNested(depth: number): FilterNode {
    if (depth > FILTER_LIMITS.maxDepth) throw new FilterError('filter nested too deeply', this.peek().pos);
    return this.unary(depth);
  }

  private comparison(): FilterNode {
    const t = this.next();
    if (t.kind !== 'word') throw new FilterError(`expected a field name but found ${describe(t)}`, t.pos);
    const field = fieldSpec(t.text);
    if (!field) throw new FilterError(`unknown field ${JSON.stringify(t.text)}`, t.pos);
    let negated = false;
    if (this.isKeyword('NOT')) {
      this.next();
      negated = true;
      if (!this.isKeyword('IN') && !this.isKeyword('LIKE')) {
        throw new FilterError('expected IN or LIKE after NOT', this.peek().pos);
      }
    }
    if (this.isKeyword('IN')) return this.inList(field, negated);
    if (this.isKeyword('LIKE')) return this.like(field, negated);
    const op = this.next();
    if (op.kind === 'op' && (op.text === '<<' || op.text === '!<<')) return this.cidr(field, op);
    if (op.kind !== 'op' || !COMPARE_OPS.has(op.text)) {
      throw new FilterError(`expected an operator after ${field.name} but found ${describe(op)}`, op.pos);
    }
    if (op.text !== '=' && op.text !== '!=' && !ORDERED_TYPES.has(field.type)) {
      throw new FilterError(`${field.name} supports only = and !=`, op.pos);
    }
    return { kind: 'compare', field, op: op.text as CompareOp, value: literalFor(field, this.next()) };
  }

  private inList(field: FieldSpec, negated: boolean): FilterNode {
    this.next();
    const open = this.next();
    if (open.kind !== 'lparen') throw new FilterError('expected ( after IN', open.pos);
    const values: Literal[] = [];
    for (;;) {
      if (values.length >= FILTER_LIMITS.maxInValues) {
        throw new FilterError(`IN list longer than ${FILTER_LIMITS.maxInValues} values`, this.peek().pos);
      }
      values.push(literalFor(field, this.next()));
      const sep = this.next();
      if (sep.kind === 'rparen') break;
      if (sep.kind !== 'comma') throw new FilterError(`expected , or ) but found ${describe(sep)}`, sep.pos);
    }
    return { kind: 'in', field, negated, values };
  }

  private like(field: FieldSpec, negated: boolean): FilterNode {
    const kw = this.next();
    if (field.type !== 'string')
      throw new FilterError(`LIKE works on text fields, not ${field.name}`, kw.pos);
    const value = literalFor(field, this.next());
    return { kind: 'like', field, negated, pattern: String(value.value) };
  }

  private cidr(field: FieldSpec, op: Token): FilterNode {
    if (field.type !== 'ip') throw new FilterError(`<< works on address fields, not ${field.name}`, op.pos);
    const range = cidrRange(field, this.next());
    return { kind: 'cidr', field, negated: op.text === '!<<', ...range };
  }
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'end of filter';
  return t.kind === 'string' ? `string ${JSON.stringify(t.text)}` : JSON.stringify(t.text);
}
