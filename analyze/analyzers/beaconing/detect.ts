import { platformCutEvidence } from '../../../core/enrich/platform.js';
import type { Finding, Severity } from '../../../core/finding.js';
import type { AnalyzerContext } from '../../analyzer.js';
import { fingerprint } from '../../fingerprint.js';
import { protocolName } from '../../ports.js';
import { sortSamples } from '../../sql.js';
import type { BeaconingConfig } from './config.js';
import type { BeaconRow } from './query.js';
import { byteVariation, type Regularity, regularity } from './regularity.js';

export const BEACONING_CATEGORY = 'beaconing';

/** Interval regularity plus the per-connection byte-size regularity of one series. */
export interface BeaconShape extends Regularity {
  /** Coefficient of variation of bytes per connection; null when too few carried counters. */
  byteCv: number | null;
  /** A fixed-size payload: `byteCv` at or below `maxByteCv`. */
  fixedSize: boolean;
  /** Qualified by a fixed size and a low gap dispersion though fewer gaps match (jittered sleep). */
  jittered: boolean;
}

export function beaconShape(row: BeaconRow, config: BeaconingConfig): BeaconShape {
  const r = regularity(row.starts, config);
  const byteCv = byteVariation(row.sizes);
  const fixedSize = byteCv !== null && byteCv <= config.maxByteCv;
  const jittered = fixedSize && r.percent < config.beaconPercent && r.dispersion <= config.maxGapDispersion;
  return { ...r, byteCv, fixedSize, jittered };
}

/**
 * A finding per (host, destination, port, protocol) whose connections are regular enough: at least
 * `beaconPercent` of the gaps match, or (a jittered sleep) the payload is fixed-size and the gaps'
 * dispersion low. Regularity alone is common (update checks, telemetry, CI long-polls, cron jobs),
 * so severity comes from rarity and shape: info when many local hosts talk to the destination
 * (`infraPeers`, agents and heartbeats) or on quiet ports (DNS, NTP); low when the fleet already
 * talked to it on earlier days (steady infrastructure); medium only for a destination that is rare
 * (one local host) and new (no earlier day) with a near-perfect rhythm (≥ 90 %, or jittered) and a
 * fixed-size payload (variable sizes — polling that returns what changed — stay low; unknown sizes
 * do not lower it); high on a threat-intel hit.
 */
export function detectBeaconing(
  rows: BeaconRow[],
  config: BeaconingConfig,
  context: AnalyzerContext,
): Finding[] {
  const out: Finding[] = [];
  for (const row of rows) {
    const shape = beaconShape(row, config);
    if (shape.percent < config.beaconPercent && !shape.jittered) continue;
    out.push(toFinding(row, shape, config, context));
  }
  return out;
}

function toFinding(
  row: BeaconRow,
  r: BeaconShape,
  config: BeaconingConfig,
  context: AnalyzerContext,
): Finding {
  const intel = context.threatIntel.match(row.remote);
  const severity = beaconSeverity(row, r, config, intel !== undefined);
  const key = { ip: row.ip, remoteIp: row.remote, port: row.port, protocol: row.protocol };
  const proto = protocolName(row.protocol);
  return {
    id: fingerprint(BEACONING_CATEGORY, key),
    category: BEACONING_CATEGORY,
    severity,
    title: `${row.ip} beacons to ${row.remote}:${row.port}/${proto} every ~${Math.round(r.typicalGapSeconds)} s`,
    reason:
      `${row.connections} connections; ${r.percent.toFixed(0)} % of the gaps are within tolerance of ` +
      `${r.typicalGapSeconds.toFixed(1)} s (dispersion ${r.dispersion.toFixed(2)}); bytes per connection ` +
      `${r.byteCv === null ? 'unknown' : `vary by ${(r.byteCv * 100).toFixed(0)} %`}; ${row.peers} local host(s) talk to this destination, ` +
      `on ${row.priorDays} earlier day(s)` +
      (intel ? `; destination is on a threat-intel list (${intel}).` : '.'),
    firstSeen: new Date(row.starts[0]!).toISOString(),
    lastSeen: new Date(row.starts.at(-1)!).toISOString(),
    subject: key,
    evidence: {
      flows: row.connections,
      bytes: row.bytesOut + row.bytesIn,
      bytesOut: row.bytesOut,
      bytesIn: row.bytesIn,
      distinctPeers: 1,
      localPeersOfDestination: row.peers,
      priorDays: row.priorDays,
      intervalSeconds: r.typicalGapSeconds,
      regularityPercent: Math.round(r.percent * 10) / 10,
      gapDispersion: Math.round(r.dispersion * 1000) / 1000,
      byteCv: r.byteCv === null ? null : Math.round(r.byteCv * 1000) / 1000,
      fixedSize: r.fixedSize,
      jittered: r.jittered,
      ...(intel ? { threatIntel: intel } : {}),
      ...platformCutEvidence(config.azurePlatform),
      sampleFlows: sortSamples(row.samples),
    },
    status: 'open',
  };
}

export function beaconSeverity(
  row: BeaconRow,
  shape: Pick<BeaconShape, 'percent' | 'byteCv' | 'fixedSize' | 'jittered'>,
  config: BeaconingConfig,
  intel: boolean,
): Severity {
  if (intel) return 'high';
  if (config.quietPorts.includes(row.port) || row.peers >= config.infraPeers) return 'info';
  if (row.priorDays > 0) return 'low';
  const steady = shape.percent >= 90 || shape.jittered;
  const sizeOk = shape.byteCv === null || shape.fixedSize;
  if (row.peers <= 1 && steady && sizeOk) return 'medium';
  return 'low';
}
