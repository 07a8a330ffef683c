import type { Finding } from '../core/finding.js';
import { fingerprint } from './fingerprint.js';

/**
 * Links findings that are parts of one incident: the same attacker and target across port-scan,
 * brute-force and lateral-movement (same `ip` + `remoteIp`), and a brute force with the exposure of
 * the port it hit (same `ip` + `port`). Each linked finding gets `evidence.incident` = { id, parts }
 * (the ids of every finding in the incident); lone findings are unchanged. Pure; deterministic.
 * The id derives from the earliest part (first seen, then id), not from the whole set, so a part
 * that joins later keeps the incident's id and the API and alerts see one incident grow.
 */
const PAIR_CATEGORIES = new Set(['port-scan', 'brute-force', 'lateral-movement']);
const PORT_CATEGORIES = new Set(['brute-force', 'exposed-management-port']);
/** Every category that can be part of an incident. */
export const LINKED_CATEGORIES: ReadonlySet<string> = new Set([...PAIR_CATEGORIES, ...PORT_CATEGORIES]);

export function linkIncidents(findings: readonly Finding[]): Finding[] {
  const parent = findings.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) r = parent[r]!;
    return r;
  };
  const join = (keys: Map<string, number>, key: string, i: number) => {
    const j = keys.get(key);
    if (j === undefined) keys.set(key, i);
    else parent[root(i)] = root(j);
  };
  const pairs = new Map<string, number>();
  const ports = new Map<string, number>();
  findings.forEach((f, i) => {
    const s = f.subject as { ip?: string; remoteIp?: string; port?: number };
    if (PAIR_CATEGORIES.has(f.category) && s.ip && s.remoteIp) join(pairs, `${s.ip}|${s.remoteIp}`, i);
    if (PORT_CATEGORIES.has(f.category) && s.ip && s.port !== undefined) join(ports, `${s.ip}|${s.port}`, i);
  });
  const groups = new Map<number, number[]>();
  findings.forEach((_, i) => {
    groups.set(root(i), [...(groups.get(root(i)) ?? []), i]);
  });
  const out = [...findings];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const parts = members.map((i) => findings[i]!.id).sort();
    const first = members
      .map((i) => findings[i]!)
      .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || a.id.localeCompare(b.id))[0]!;
    const id = `inc-${fingerprint('incident', { first: first.id }).slice(0, 16)}`;
    for (const i of members) {
      const f = findings[i]!;
      out[i] = { ...f, evidence: { ...f.evidence, incident: { id, parts } } };
    }
  }
  return out;
}
