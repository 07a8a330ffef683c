import { INCIDENTS, type Incident } from '../simulator/index.js';

/**
 * What `flowlens demo` promises on its terminal, as data: the tour is printed from these items and
 * test/e2e/demo.test.ts evaluates every item's checks against the running demo, so the text and
 * the test cannot drift apart. Checks are predicates over the public API, not over page markup.
 */
export type TourCheck =
  /** Flows cover the dashboards' range `now-{hours}h`: data in its first and in its last hour. */
  | { kind: 'history'; hours: number }
  /** `/api/findings` holds a finding of this category whose subject has these fields. */
  | { kind: 'finding'; category: string; subject: Incident['subject'] }
  /** `/api/rules/recommendations` over the tour's range flags this rule for this category. */
  | { kind: 'recommendation'; category: string; nsg: string; rule: string }
  /** `/api/traffic/top` shows allowed internet flows to this management port. */
  | { kind: 'exposure'; ip: string; port: number }
  /** A page answers 200. */
  | { kind: 'reachable'; path: string };

export interface TourItem {
  /** Dashboard path (without the range query) the item is seen on. */
  page: string;
  text: string;
  checks: TourCheck[];
}

export interface Tour {
  backfillHours: number;
  /** Dashboard range showing the whole history, in the dashboards' own syntax. */
  range: { from: string; to: string };
  /** Minutes after the tour is printed by which every item holds. */
  withinMinutes: number;
  items: TourItem[];
}

/** `flowlens demo --backfill-hours` default (what `npm start` shows). */
export const DEMO_BACKFILL_HOURS = 24;

/** Categories the rule analysis reports (they are recommendations and findings). */
const RULE_CATEGORIES = new Set([
  'unused-allow-rule',
  'overly-permissive-rule',
  'management-port-open-to-internet',
]);

/** The tour of the simulated estate (simulator/incidents.ts ground truth) for a history of `backfillHours`. */
export function demoTour(backfillHours: number): Tour {
  const detections = INCIDENTS.filter((i) => !RULE_CATEGORIES.has(i.category));
  const rules = INCIDENTS.filter((i) => RULE_CATEGORIES.has(i.category));
  const rdp = INCIDENTS.find((i) => i.category === 'exposed-management-port')!.subject;
  return {
    backfillHours,
    range: { from: `now-${backfillHours}h`, to: 'now' },
    withinMinutes: 5,
    items: [
      {
        page: '/',
        text: `${backfillHours} h of traffic in every dashboard: allowed/denied, in/out, top talkers and ports`,
        checks: [{ kind: 'history', hours: backfillHours }],
      },
      ...detections.map((i) => ({
        page: '/findings',
        text: `${i.category}: ${i.description}`,
        checks: [{ kind: 'finding' as const, category: i.category, subject: i.subject }],
      })),
      ...rules.map((i) => ({
        page: '/rules',
        text: `${i.category} ${i.subject.nsg}/${i.subject.rule}: ${i.description} (also a finding)`,
        checks: [
          {
            kind: 'recommendation' as const,
            category: i.category,
            nsg: i.subject.nsg!,
            rule: i.subject.rule!,
          },
          { kind: 'finding' as const, category: i.category, subject: i.subject },
        ],
      })),
      {
        page: '/exposure',
        text: `management ports reachable from the internet, by host: ${rdp.ip}:${rdp.port} (RDP)`,
        checks: [{ kind: 'exposure', ip: rdp.ip!, port: rdp.port! }],
      },
      {
        page: '/api/docs',
        text: 'the API (OpenAPI)',
        checks: [{ kind: 'reachable', path: '/api/docs' }],
      },
    ],
  };
}

/** The dashboard link of a page with the tour's range (the API docs take no range). */
export function tourLink(url: string, tour: Tour, page: string): string {
  return page.startsWith('/api/') ? `${url}${page}` : `${url}${page}?from=${tour.range.from}`;
}

/** The terminal text: every item, grouped by page in order, under its link. */
export function renderTour(url: string, tour: Tour): string {
  const pages = [...new Set(tour.items.map((i) => i.page))];
  const lines = pages.flatMap((page) => [
    `    ${tourLink(url, tour, page)}`,
    ...tour.items.filter((i) => i.page === page).map((item) => `      ${item.text}`),
  ]);
  return `
  flowlens demo is running: ${url}

  A simulator writes NSG v2 and VNet flow logs into a local Azure Storage emulator the way Azure
  does (one block per minute before the closing "]}"); flowlens tails the committed block lists,
  stores every tuple in the embedded ClickHouse and analyzes new data every 10 seconds.
  ${tour.backfillHours} h of history come first; the last 30 simulated minutes replay fast, then real time.

  Within ${tour.withinMinutes} minutes you should see:
${lines.join('\n')}

  Ctrl-C stops everything.
`;
}
