import { describe, expect, it } from 'vitest';
import { ParamBag } from '../query/params.js';
import { fieldsOf } from './ast.js';
import { compileFilter } from './compile.js';
import { FilterError } from './errors.js';
import { parseFilter } from './parse.js';

function compile(input: string): { sql: string; params: Record<string, unknown> } {
  const params = new ParamBag('f');
  return { sql: compileFilter(parseFilter(input), params), params: params.values };
}

describe('filter language', () => {
  it.each([
    ['', '1', {}],
    ['  ', '1', {}],
    ['action = deny', '(action = {f0:String})', { f0: 'deny' }],
    ['ACTION = DENY', '(action = {f0:String})', { f0: 'deny' }],
    ['dst_port != 22', '(dst_port != {f0:UInt64})', { f0: 22 }],
    ['protocol = tcp', '(protocol = {f0:UInt64})', { f0: 6 }],
    ['dst_port >= 1024', '(dst_port >= {f0:UInt64})', { f0: 1024 }],
    ['nsg = "nsg-web"', '(nsg = {f0:String})', { f0: 'nsg-web' }],
    ["nsg = 'it''s'", '(nsg = {f0:String})', { f0: "it's" }],
    ['src_ip = 10.0.0.1', '(src_ip = {f0:IPv6})', { f0: '::ffff:10.0.0.1' }],
    ['src_ip = 2001:db8::1', '(src_ip = {f0:IPv6})', { f0: '2001:db8::1' }],
    [
      'src_ip << 10.0.0.0/8',
      '(src_ip BETWEEN {f0:IPv6} AND {f1:IPv6})',
      { f0: '::ffff:10.0.0.0', f1: '::ffff:10.255.255.255' },
    ],
    [
      'remote_ip !<< 192.168.1.0/24',
      '(NOT (remote_ip BETWEEN {f0:IPv6} AND {f1:IPv6}))',
      { f0: '::ffff:192.168.1.0', f1: '::ffff:192.168.1.255' },
    ],
    ['dst_port IN (22, 3389)', '(dst_port IN {f0:Array(UInt64)})', { f0: [22, 3389] }],
    ['nsg NOT IN (a, "b c")', '(nsg NOT IN {f0:Array(String)})', { f0: ['a', 'b c'] }],
    ['rule LIKE "%Rdp%"', '(rule LIKE {f0:String})', { f0: '%Rdp%' }],
    ['remote_is_public = true', '(remote_is_public = {f0:Bool})', { f0: true }],
  ])('compiles %j', (input, sql, params) => {
    expect(compile(input)).toEqual({ sql, params });
  });

  it('respects precedence: NOT > AND > OR, parentheses override', () => {
    expect(compile('action = deny OR action = allow AND dst_port = 22').sql).toBe(
      '((action = {f0:String}) OR ((action = {f1:String}) AND (dst_port = {f2:UInt64})))',
    );
    expect(compile('(action = deny OR action = allow) AND NOT dst_port = 22').sql).toBe(
      '(((action = {f0:String}) OR (action = {f1:String})) AND (NOT (dst_port = {f2:UInt64})))',
    );
  });

  it('reports the fields an expression reads', () => {
    expect(
      [...fieldsOf(parseFilter('nsg = a AND (src_ip << 10.0.0.0/8 OR NOT dst_port = 1)'))].sort(),
    ).toEqual(['dst_port', 'nsg', 'src_ip']);
  });

  it.each([
    ['bogus = 1', 'unknown field'],
    ['action = maybe', 'must be one of'],
    ['dst_port = 70000', 'at most 65535'],
    ['dst_port = -1', 'whole number'],
    ['src_ip = 10.0.0.0/8', 'use <<'],
    ['src_ip = 999.1.1.1', 'not an IP address'],
    ['src_ip << 10.0.0.0/33', 'needs a CIDR'],
    ['nsg << 10.0.0.0/8', 'address fields'],
    ['nsg > a', 'only = and !='],
    ['dst_port LIKE 22', 'text fields'],
    ['action = deny AND', 'expected a field name'],
    ['(action = deny', 'expected )'],
    ['action = deny)', 'unexpected ")"'],
    ['action deny', 'expected an operator'],
    ['nsg = "open', 'unterminated string'],
    ['dst_port IN ()', 'expected a value'],
    ['dst_port IN (22 23)', 'expected , or )'],
    ['nsg NOT = a', 'expected IN or LIKE'],
  ])('rejects %j (%s)', (input, message) => {
    expect(() => parseFilter(input)).toThrow(FilterError);
    expect(() => parseFilter(input)).toThrow(message);
  });

  it.each([
    ["nsg = 'x'; DROP TABLE flows; --'", 'unexpected character ";"'],
    ['nsg = x -- comment', 'unexpected'],
    ['nsg = x /* c */', 'unexpected'],
    ['nsg = x; DROP TABLE flows', 'unexpected character ";"'],
    ['nsg = `x`', 'unexpected character "`"'],
    ['nsg = ｘ', 'unexpected character'],
    ['nsg\u0000= x', 'unexpected character'],
    ['nsg = "a\u0000b"', 'control character'],
    ['1 = 1', 'unknown field'],
    ['nsg = x OR 1=1', 'unknown field'],
    ['sleep(10) = 1', 'unknown field'],
  ])('refuses injection attempt %j', (input, message) => {
    expect(() => parseFilter(input)).toThrow(message);
  });

  it('keeps quotes, comments and unicode inside strings as data', () => {
    const { sql, params } = compile(`nsg = "x'); DROP TABLE flows; -- ünï ☃"`);
    expect(sql).toBe('(nsg = {f0:String})');
    expect(params.f0).toBe("x'); DROP TABLE flows; -- ünï ☃");
  });

  it('bounds size: IN lists, nesting depth, total length', () => {
    const many = Array.from({ length: 1001 }, (_, i) => i).join(',');
    expect(() => parseFilter(`dst_port IN (${many})`)).toThrow('IN list longer than 1000');
    const ok = Array.from({ length: 1000 }, (_, i) => i).join(',');
    expect(compile(`dst_port IN (${ok})`).params.f0).toHaveLength(1000);
    expect(() => parseFilter(`${'('.repeat(40)}action = deny${')'.repeat(40)}`)).toThrow('nested too deeply');
    expect(() => parseFilter(`${'NOT '.repeat(40)}action = deny`)).toThrow('nested too deeply');
    expect(() => parseFilter(`nsg = "${'a'.repeat(300)}"`)).toThrow('longer than 256');
    expect(() => parseFilter(' '.repeat(20_000))).toThrow('longer than 16000');
  });

  it('gives the position of the problem', () => {
    try {
      parseFilter('action = deny AND bogus = 1');
      expect.unreachable();
    } catch (err) {
      expect((err as FilterError).position).toBe(18);
    }
  });
});
