import type { StepCost } from './scale-measure.js';
import { mdTable } from './util.js';

/** What the tick tables need of one stage of the scale bench (scale.bench.ts). */
export interface TickStage {
  days: number;
  /** 1-minute load average when the ticks were measured. */
  load: number;
  ticks: Record<string, StepCost>;
  ruleReport: StepCost;
  ruleReportCold: StepCost;
  ruleReportMidDay: StepCost;
}

const RULE_REPORT = 'rule report (rules.windowDays = 30, hourly)';
const RULE_REPORT_COLD = 'rule report, first build after start';
const RULE_REPORT_MID_DAY = 'rule report, window ending mid-day';
const WHOLE_TICK = 'whole tick, CPU ms';

/**
 * Steps whose own look-back legitimately holds more data until it is full (7 days by default, so
 * full from the middle stage on): their history is read from hourly rollups, so it stays small
 * next to the window, and from the middle stage on their reads must not grow at all.
 */
export const LOOKBACKS: Record<string, string> = {
  beaconing: '7-day prevalence look-back (flows_contact_1h)',
  exfiltration: '7-day look-back (flows_egress_1h, flows_contact_1h, flows_span_1h)',
  'lateral-movement': '7-day look-back (flows_internal_1d, flows_internal_1h, flows_span_1h)',
  // Its window is 30 days: per day of it, the day cache's rows and the ingest-health hours that validate them.
  [RULE_REPORT]:
    'whole closed days from its day cache (rule_key_days, validated by flow_log_hours), partial days raw (docs/operations.md)',
  [RULE_REPORT_MID_DAY]:
    'as above, ending 12 h before the data: those 12 h of flows raw, as the loop pays it',
};

/**
 * Steps paid once, not every refresh: the rule report's first build computes each day its cache
 * lacks (here, at each stage, the days just stored), so it reads what was stored, by design.
 */
const ONCE: Record<string, string> = {
  [RULE_REPORT_COLD]: 'once: computes the days its cache lacks from raw flows (the days just stored)',
};

const fmt = (n: number) => Math.round(n).toLocaleString();
/** Ratio with +1 on both sides (a step that reads nothing at either stage is 1.00×). */
const ratio = (a: number, b: number) => (b + 1) / (a + 1);
/**
 * Reads below this are the counters' own noise (`system.events` gains rows as events first occur;
 * scale-reads.ts): such a step reads nothing of note, and its ratio is not shown.
 */
const NOISE_ROWS = 1000;
const readRatio = (a: number, b: number, rowsA: number, rowsB: number) =>
  Math.max(rowsA, rowsB) < NOISE_ROWS ? '–' : ratio(a, b).toFixed(2);

type Pick = (s: TickStage) => StepCost;
interface Stages {
  all: TickStage[];
  first: TickStage;
  mid: TickStage;
  last: TickStage;
  span: string;
  beyond: string;
}

/**
 * Two tables: wall ms per stage (noisy on a shared machine: the load is in the header), and the
 * rows and bytes each step read (independent of the load: the honest measure). The bar (≤ 1.5×
 * from the first to the last stage) is judged on rows read; the last / middle ratio shows growth
 * beyond the 7-day look-backs.
 */
export function printTicks(stages: TickStage[]): void {
  const first = stages[0]!;
  const last = stages[stages.length - 1]!;
  const mid = stages[stages.length - 2] ?? first;
  const st: Stages = {
    all: stages,
    first,
    mid,
    last,
    span: `${last.days} d / ${first.days} d`,
    beyond: `${last.days} d / ${mid.days} d`,
  };
  const steps: [string, Pick][] = [
    ...Object.keys(first.ticks).map((k): [string, Pick] => [k, (s) => s.ticks[k]!]),
    [RULE_REPORT, (s) => s.ruleReport],
    [RULE_REPORT_MID_DAY, (s) => s.ruleReportMidDay],
    [RULE_REPORT_COLD, (s) => s.ruleReportCold],
  ];
  printMs(st, steps);
  printReads(st, steps);
}

function printMs(st: Stages, steps: [string, Pick][]): void {
  const rows = steps.map(([name, pick]) => [
    name,
    ...st.all.map((s) => pick(s).ms.toFixed(0)),
    ratio(pick(st.first).ms, pick(st.last).ms).toFixed(2),
    ratio(pick(st.mid).ms, pick(st.last).ms).toFixed(2),
  ]);
  const head = ['tick step', ...st.all.map((s) => `ms, ${s.days} d stored (load ${s.load.toFixed(0)})`)];
  console.log(
    `${mdTable([...head, st.span, st.beyond], rows)}\n\n(one tick = the loop's new-data query, then each analyzer over the last 3 minutes; medians; ratios with +1 ms;\n"whole tick, CPU ms" is this process's CPU over a tick, chDB included: other jobs' load inflates it far less than wall ms)\n`,
  );
}

function printReads(st: Stages, steps: [string, Pick][]): void {
  const rows = steps.map(([name, pick]) => {
    const [f, m, l] = [pick(st.first), pick(st.mid), pick(st.last)];
    const r = ratio(f.rows, l.rows);
    const quiet = Math.max(f.rows, l.rows) < NOISE_ROWS;
    return [
      name === WHOLE_TICK ? 'whole tick (all steps)' : name,
      ...st.all.map((s) => fmt(pick(s).rows)),
      readRatio(f.rows, l.rows, f.rows, l.rows),
      r <= 1.5 || quiet
        ? 'ok'
        : ONCE[name]
          ? 'once'
          : LOOKBACKS[name] || name === WHOLE_TICK
            ? 'look-back'
            : '**over**',
      readRatio(m.rows, l.rows, m.rows, l.rows),
      readRatio(f.bytes, l.bytes, f.rows, l.rows),
      readRatio(m.bytes, l.bytes, m.rows, l.rows),
      name === WHOLE_TICK
        ? 'sum of the steps, look-backs included'
        : (ONCE[name] ?? LOOKBACKS[name] ?? 'window only'),
    ];
  });
  const head = [
    'tick step',
    ...st.all.map((s) => `rows read, ${s.days} d stored`),
    `rows ${st.span}`,
    'bar ≤ 1.5×',
    `rows ${st.beyond}`,
    `bytes ${st.span}`,
    `bytes ${st.beyond}`,
    'reads beyond its window',
  ];
  console.log(
    `${mdTable(head, rows)}\n\n(rows and bytes the database read for one run of the step, all its queries and subqueries: bench/scale-reads.ts;\nthe load does not change them. "whole tick" sums the steps; a look-back step is judged from the middle stage on, once its look-back is full)\n`,
  );
}
