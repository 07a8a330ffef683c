/**
 * Blob names of NSG and VNet flow logs, and the prefixes used to list them without scanning a container.
 *
 * Layout (MS docs nsg-flow-logs-overview.md "Read and export flow logs", flow-logs-read.md):
 * `<root>y=YYYY/m=MM/d=DD/h=HH/m=00/macAddress=<12 hex>/PT1H.json`, where `<root>` is
 * `resourceId=/SUBSCRIPTIONS/…/NETWORKSECURITYGROUPS/<nsg>/` (NSG) or `flowLogResourceID=/…/` (VNet).
 * The resource part sits before the date, so a date-only prefix is impossible: we list per root.
 * @see https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview
 */

/** Default containers Azure writes to (NSG flow logs, VNet flow logs). */
export const DEFAULT_CONTAINERS = [
  'insights-logs-networksecuritygroupflowevent',
  'insights-logs-flowlogflowevent',
] as const;

export interface BlobLocation {
  /** Everything before `y=`, ending in `/` (one NSG or flow-log resource). */
  root: string;
  /** Start of the UTC hour the blob covers, epoch ms. */
  hourMs: number;
  mac: string;
}

const HOUR_PATH =
  /^(.*\/)y=(\d{4})\/m=(\d{2})\/d=(\d{2})\/h=(\d{2})\/m=\d{2}\/macAddress=([0-9A-Fa-f]{12})\/PT1H\.json$/;

/**
 * Where a flow-log blob sits for listing: its root, hour and MAC; undefined for anything else (Azure
 * puts nothing else there). Discovery needs only this; the resource identity in the same path
 * (subscription, NSG, flow log) is read by the normalizer's `parseBlobName`.
 */
export function parseBlobLocation(name: string): BlobLocation | undefined {
  const m = HOUR_PATH.exec(name);
  if (!m) return undefined;
  const [month, day, hour] = [Number(m[3]), Number(m[4]), Number(m[5])];
  // Date.UTC rolls m=13 or h=24 over into the next unit instead of failing, so range-check first.
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23) return undefined;
  const hourMs = Date.UTC(Number(m[2]), month - 1, day, hour);
  return { root: m[1]!, hourMs, mac: m[6]!.toUpperCase() };
}

/** True when a hierarchical-listing child prefix is the year level below a root (`…/y=2024/`). */
export function isYearPrefix(prefix: string): boolean {
  return /(^|\/)y=\d{4}\/$/.test(prefix);
}

const HOUR_MS = 3_600_000;

export function startOfHour(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

/** `<root>y=2024/m=08/d=19/h=18/`: lists the per-MAC blobs of one hour. */
export function hourPrefix(root: string, hourMs: number): string {
  const d = new Date(hourMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${root}y=${d.getUTCFullYear()}/m=${p(d.getUTCMonth() + 1)}/d=${p(d.getUTCDate())}/h=${p(d.getUTCHours())}/`;
}

/** Hour starts in `[fromMs, toMs]`, both rounded down to the hour. */
export function hoursBetween(fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let h = startOfHour(fromMs); h <= startOfHour(toMs); h += HOUR_MS) out.push(h);
  return out;
}

/** The hours every poll lists: the previous and the current UTC hour (Azure appends late into the previous). */
export function liveHours(nowMs: number): number[] {
  const cur = startOfHour(nowMs);
  return [cur - HOUR_MS, cur];
}

export { HOUR_MS };
