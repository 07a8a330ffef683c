import { FILTER_LIMITS, FilterError } from './errors.js';

export type TokenKind = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  kind: TokenKind;
  /** Word text, unescaped string content, or the operator. */
  text: string;
  /** Character offset in the input. */
  pos: number;
}

const OPERATORS = ['!<<', '<<', '!=', '<>', '<=', '>=', '=', '<', '>'] as const;
/** Characters a bare word may contain: names, numbers, IPv4/IPv6 addresses, CIDRs, GUIDs, wildcards. */
const WORD_CHAR = /[A-Za-z0-9_.:/\-*%]/;

/**
 * Splits a filter expression into tokens. Strings are single- or double-quoted with backslash or
 * doubled-quote escapes; anything outside quotes must be ASCII from a small set, so comment markers,
 * semicolons and exotic unicode never reach the parser.
 */
export function tokenize(input: string): Token[] {
  if (input.length > FILTER_LIMITS.maxLength) {
    throw new FilterError(
      `filter longer than ${FILTER_LIMITS.maxLength} characters`,
      FILTER_LIMITS.maxLength,
    );
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (tokens.length >= FILTER_LIMITS.maxTokens) throw new FilterError('filter has too many tokens', i);
    const start = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c, pos: i });
      i++;
    } else if (c === "'" || c === '"') {
      const [text, next] = readString(input, i);
      tokens.push({ kind: 'string', text, pos: start });
      i = next;
    } else if (WORD_CHAR.test(c)) {
      while (i < input.length && WORD_CHAR.test(input[i]!)) i++;
      tokens.push({ kind: 'word', text: input.slice(start, i), pos: start });
    } else {
      const op = OPERATORS.find((o) => input.startsWith(o, i));
      if (!op) throw new FilterError(`unexpected character ${JSON.stringify(c)}`, i);
      tokens.push({ kind: 'op', text: op === '<>' ? '!=' : op, pos: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end', text: '', pos: input.length });
  return tokens;
}

function readString(input: string, open: number): [string, number] {
  const quote = input[open]!;
  let out = '';
  let i = open + 1;
  while (i < input.length) {
    const c = input[i]!;
    if (c === '\\' && i + 1 < input.length) {
      out += input[i + 1];
      i += 2;
    } else if (c === quote && input[i + 1] === quote) {
      out += quote;
      i += 2;
    } else if (c === quote) {
      if (out.length > FILTER_LIMITS.maxStringLength) {
        throw new FilterError(`string longer than ${FILTER_LIMITS.maxStringLength} characters`, open);
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
      if (/[\u0000-\u001f\u007f]/.test(out)) throw new FilterError('control character in string', open);
      return [out, i + 1];
    } else {
      out += c;
      i++;
    }
  }
  throw new FilterError('unterminated string', open);
}
