import { createRng } from '../random.js';
import { activeDirectory, appTiers, dnsAndNtp, fileShares, privateBackups } from './benign-internal.js';
import {
  backgroundRadiation,
  buildAgent,
  cronPolling,
  jumpSessions,
  lbProbes,
  monitoringAgents,
  partnerTransfer,
  storageBackups,
  updates,
  webClients,
} from './benign-internet.js';
import { storageShareBackup } from './benign-storage.js';
import { DAY, type GenContext } from './context.js';
import { ESTATE_INCIDENTS, type EstateIncident, plantIncidents } from './incidents.js';
import { connectionRows, type EstateFlowRow } from './rows.js';
import { ESTATE_HOSTS } from './topology.js';

export interface EstateOptions {
  /** Whole days of traffic; the last one carries the incidents, the others are the look-back. */
  days: number;
  seed?: number;
  /** Midnight UTC the traffic starts at (a Monday by default). */
  startMs?: number;
}

export interface Estate {
  rows: EstateFlowRow[];
  truth: readonly EstateIncident[];
  startMs: number;
  endMs: number;
  /** The analysed span: every day after the first (the first is baseline only). */
  window: { from: Date; to: Date };
  /** Hosts × analysed days, the denominator of "false findings per 100 host-days". */
  hostDays: number;
}

export const BENIGN_CLASSES = [
  dnsAndNtp,
  activeDirectory,
  fileShares,
  appTiers,
  privateBackups,
  monitoringAgents,
  storageBackups,
  updates,
  partnerTransfer,
  buildAgent,
  cronPolling,
  lbProbes,
  webClients,
  jumpSessions,
  backgroundRadiation,
  storageShareBackup,
] as const;

/** Generates the noisy estate: every benign class over all days, incidents on the last one. */
export function generateEstate(options: EstateOptions): Estate {
  if (options.days < 2) throw new Error('the estate needs at least one baseline day');
  const startMs = options.startMs ?? Date.UTC(2026, 10, 2);
  const endMs = startMs + options.days * DAY;
  const rows: EstateFlowRow[] = [];
  const base = options.seed ?? 12;
  const ctx = (seed: number): GenContext => ({
    startMs,
    endMs,
    rng: createRng(seed),
    emit: (c) => {
      for (const r of connectionRows(c)) rows.push(r);
    },
  });
  BENIGN_CLASSES.forEach((gen, i) => {
    gen(ctx(base * 1_000 + i));
  });
  const attackFrom = endMs - DAY + 2 * 3_600_000;
  plantIncidents(ctx(base * 1_000 + 999), attackFrom);
  rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return {
    rows,
    truth: ESTATE_INCIDENTS,
    startMs,
    endMs,
    window: { from: new Date(startMs + DAY), to: new Date(endMs) },
    hostDays: ESTATE_HOSTS.length * (options.days - 1),
  };
}
