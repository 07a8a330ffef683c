import type { CompiledRule } from '../model/compile.js';
import { ruleCovers } from '../model/covers.js';
import { isAllPorts, portCount, portInRanges } from '../model/ports.js';

/**
 * Static checks on a rule set (no traffic needed).
 * @see https://learn.microsoft.com/azure/security/fundamentals/network-best-practices#disable-rdpssh-access-to-virtual-machines
 */
export const MANAGEMENT_PORTS: readonly { port: number; name: string }[] = [
  { port: 22, name: 'SSH' },
  { port: 3389, name: 'RDP' },
  { port: 5985, name: 'WinRM' },
  { port: 5986, name: 'WinRM/HTTPS' },
  { port: 23, name: 'Telnet' },
];

/** Inbound allow from anywhere: source `*`, `Internet` or `0.0.0.0/0` (any source port). */
export function allowsFromInternet(r: CompiledRule): boolean {
  return r.rule.direction === 'inbound' && r.rule.access === 'allow' && (r.src.any || r.src.internet);
}

/** Management services the rule exposes to the internet (port and protocol checked). */
export function exposedManagementPorts(r: CompiledRule): { port: number; name: string }[] {
  if (!allowsFromInternet(r)) return [];
  if (r.protocols && !r.protocols.includes(6)) return [];
  return MANAGEMENT_PORTS.filter((m) => portInRanges(r.dstPorts, m.port));
}

/** Open to the world: allowed from the internet to all ports or more than `broadPorts` ports. */
export function isOpenToWorld(r: CompiledRule, broadPorts: number): boolean {
  return allowsFromInternet(r) && (isAllPorts(r.dstPorts) || portCount(r.dstPorts) > broadPorts);
}

/**
 * The first higher-priority rule (same direction) that matches every flow `r` matches: `r` then
 * never decides anything. Same access → redundant; different access → shadowed.
 */
export function coveringRule(r: CompiledRule, ordered: readonly CompiledRule[]): CompiledRule | null {
  for (const h of ordered) {
    if (h === r) return null;
    if (h.rule.priority < r.rule.priority && ruleCovers(h, r)) return h;
  }
  return null;
}
