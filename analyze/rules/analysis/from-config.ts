import { systemClock } from '../../../core/clock.js';
import type { RulesConfig } from '../../../core/config/sections/rules.js';
import { loadServiceTags } from '../inventory/service-tags.js';
import { createAddressContext } from '../model/context.js';
import { DEFAULT_TIGHTEN } from '../tighten/narrow.js';
import { defaultReportOptions, type RuleReportOptions } from './options.js';

/** Report options from the `rules` config section (reads the service tags file when configured). */
export async function reportOptionsFromConfig(
  cfg: RulesConfig,
  now: () => Date = systemClock,
): Promise<RuleReportOptions> {
  const serviceTags = cfg.serviceTagsFile
    ? await loadServiceTags(cfg.serviceTagsFile)
    : new Map<string, string[]>();
  return defaultReportOptions({
    ctx: createAddressContext({
      virtualNetwork: cfg.virtualNetworkPrefixes,
      serviceTags,
      asgMembers: new Map(Object.entries(cfg.asgMembers)),
    }),
    tighten: {
      ...DEFAULT_TIGHTEN,
      maxShare: cfg.maxShare,
      maxPrefixes: cfg.maxPrefixes,
      maxPortEntries: cfg.maxPortEntries,
      internalScopes: cfg.internalScopes,
    },
    coverageSlices: cfg.coverageSlices,
    minCoverage: cfg.minCoverage,
    broadPorts: cfg.broadPorts,
    backtestSplit: cfg.backtestSplit,
    now,
  });
}

/** `[to − days, to)`; `to` defaults to now. Bad instants are usage errors for the caller to report. */
export function resolveWindow(
  opts: { from?: string | undefined; to?: string | undefined },
  days: number,
  now: Date,
): { from: string; to: string } | string {
  const to = opts.to ? Date.parse(opts.to) : now.getTime();
  if (Number.isNaN(to)) return `--to: not a date/time: ${opts.to}`;
  const from = opts.from ? Date.parse(opts.from) : to - days * 86_400_000;
  if (Number.isNaN(from)) return `--from: not a date/time: ${opts.from}`;
  if (from >= to) return '--from must be before --to';
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
