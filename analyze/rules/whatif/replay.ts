import { ipBytes } from '../../../core/net/ip.js';
import type { DeniedFlow } from '../analysis/types.js';
import { compileRuleSet } from '../model/compile.js';
import type { AddressContext } from '../model/context.js';
import { verdict } from '../model/match.js';
import type { FlowTuple, NsgRule } from '../model/types.js';

/** A distinct flow with how many times it was logged. */
export interface WeightedFlow extends FlowTuple {
  srcText: string;
  dstText: string;
  hits: number;
  /** UTC days (`YYYY-MM-DD`) the tuple was seen on, when the query returned them. */
  days?: string[];
}

export interface ReplayResult {
  newlyDenied: DeniedFlow[];
  newlyDeniedHits: number;
  replayedHits: number;
}

/**
 * What-if: the NSG's rules with `target` replaced by `proposed` (or removed when null), evaluated
 * on flows that were allowed. Every flow the new set denies is listed. Only flows the target rule
 * allowed need replaying: narrowing or removing a rule cannot change the fate of other flows.
 * @see https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works
 */
export function replay(
  rules: readonly NsgRule[],
  target: NsgRule,
  proposed: NsgRule | null,
  flows: readonly WeightedFlow[],
  ctx: AddressContext,
): ReplayResult {
  const next = rules.filter((r) => r !== target && !(r.kind === target.kind && r.name === target.name));
  if (proposed) next.push(proposed);
  const set = compileRuleSet(next, ctx);
  const out: ReplayResult = { newlyDenied: [], newlyDeniedHits: 0, replayedHits: 0 };
  for (const f of flows) {
    out.replayedHits += f.hits;
    if (verdict(set, f) === 'deny') {
      out.newlyDeniedHits += f.hits;
      out.newlyDenied.push({
        srcIp: f.srcText,
        dstIp: f.dstText,
        dstPort: f.dstPort,
        protocol: f.protocol,
        direction: f.direction,
        hits: f.hits,
      });
    }
  }
  out.newlyDenied.sort((a, b) => b.hits - a.hits);
  return out;
}

/** Flow rows as returned by ClickHouse (`toString(IPv6)` → `::ffff:a.b.c.d` for IPv4). */
export function toWeightedFlows(
  rows: readonly {
    src: string;
    dst: string;
    src_port: number;
    dst_port: number;
    protocol: number;
    direction: 'inbound' | 'outbound';
    hits: number;
    days?: string[];
  }[],
): WeightedFlow[] {
  const out: WeightedFlow[] = [];
  for (const r of rows) {
    const srcIp = ipBytes(r.src);
    const dstIp = ipBytes(r.dst);
    if (!srcIp || !dstIp) continue;
    out.push({
      srcIp,
      dstIp,
      srcText: r.src.replace(/^::ffff:/, ''),
      dstText: r.dst.replace(/^::ffff:/, ''),
      srcPort: r.src_port,
      dstPort: r.dst_port,
      protocol: r.protocol,
      direction: r.direction,
      hits: r.hits,
      ...(r.days ? { days: r.days } : {}),
    });
  }
  return out;
}

/** Confidence level of a backtest: share of later traffic the proposal (built on earlier traffic) still allows. */
export function confidenceLevel(confidence: number | null): 'high' | 'medium' | 'low' | 'n/a' {
  if (confidence === null) return 'n/a';
  return confidence >= 0.999 ? 'high' : confidence >= 0.98 ? 'medium' : 'low';
}
