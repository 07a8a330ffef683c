import type { RuleProtocol } from './types.js';

/**
 * NSG rule protocols as IANA numbers. `Icmp` covers ICMPv6 (58) as well, as Azure applies an Icmp
 * rule to both families. `*` matches every protocol (null here).
 * @see https://www.iana.org/assignments/protocol-numbers/protocol-numbers.xhtml
 */
const NUMBERS: Record<Exclude<RuleProtocol, '*'>, readonly number[]> = {
  Tcp: [6],
  Udp: [17],
  Icmp: [1, 58],
  Esp: [50],
  Ah: [51],
};

export function protocolNumbers(protocol: RuleProtocol): readonly number[] | null {
  return protocol === '*' ? null : NUMBERS[protocol];
}

/** The rule protocol that names an IANA number, or null (e.g. GRE has no NSG protocol but `*`). */
export function protocolName(n: number): RuleProtocol | null {
  for (const [name, nums] of Object.entries(NUMBERS)) if (nums.includes(n)) return name as RuleProtocol;
  return null;
}

/** Parses Azure's protocol text case-insensitively (`TCP`, `tcp`, `Any` → `*`). */
export function parseProtocol(text: string): RuleProtocol | null {
  const t = text.trim().toLowerCase();
  if (t === '*' || t === 'any' || t === 'all') return '*';
  const hit = (['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah'] as const).find((p) => p.toLowerCase() === t);
  return hit ?? null;
}

/** True when `outer` allows every protocol `inner` allows. */
export function protocolContains(outer: RuleProtocol, inner: RuleProtocol): boolean {
  return outer === '*' || outer === inner;
}
