import { api, type FlowLogHealth, type IngestHealthResponse } from '../api.js';
import { get, range, update } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { pathCell, sparkline } from '../ui/compact.js';
import { card, h, human, time } from '../ui/dom.js';
import { type Column, table } from '../ui/table.js';

const PAGE = 50;

function lag(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

const reasons = (r: { byReason: Record<string, number> }) =>
  Object.entries(r.byReason)
    .map(([k, v]) => `${k} ${human(v)}`)
    .join(', ');

function coverage(f: FlowLogHealth): HTMLElement {
  const c = f.coverage;
  return h(
    'span',
    {
      class: c.enough ? '' : 'warn',
      title: `${c.coveredHours} of ${c.windowHours} hours of the rules window have flows${c.enough ? '' : ': too few for "unused rule" verdicts'}`,
    },
    `${Math.round(c.share * 100)} %`,
  );
}

const LEGEND =
  'silent: nothing arrived for 2 intervals · late: arriving, but the newest flow is more than 5 intervals old · ' +
  'interval = the poll interval of its sources, at least Azure’s 1 minute.';

function nameCell(f: FlowLogHealth, open: string): HTMLElement {
  return h(
    'span',
    { class: `flowlog${f.id === open ? ' open' : ''}`, title: f.id },
    h('strong', {}, f.name),
    h('span', { class: 'muted' }, ` ${f.kind} · ${f.resourceGroup || '—'} · ${f.sourceKinds.join(', ')}`),
  );
}

function flowLogColumns(open: string): Column<FlowLogHealth>[] {
  return [
    { title: 'status', value: (f) => h('span', { class: `status status-${f.status}` }, f.status) },
    { title: 'flow log', value: (f) => nameCell(f, open) },
    {
      title: 'lag',
      value: (f) =>
        h('span', { class: 'lag', title: `interval ${f.thresholds.intervalSeconds} s` }, lag(f.lagSeconds)),
      align: 'right',
    },
    {
      title: 'newest flow',
      value: (f) => h('span', { title: `${lag(f.flowLagSeconds)} ago` }, time(f.newestFlow)),
    },
    { title: 'rows / min (last hour)', value: (f) => sparkline(f.perMinute) },
    { title: 'rows / h', value: (f) => human(f.rowsLastHour), align: 'right' },
    { title: 'bytes / h', value: (f) => human(f.bytesLastHour, 'B'), align: 'right' },
    {
      title: 'rejects',
      value: (f) => (f.rejects.total ? h('span', { class: 'warn' }, reasons(f.rejects)) : '0'),
    },
    { title: 'coverage', value: coverage, align: 'right' },
    {
      title: 'source errors',
      value: (f) =>
        f.parked ? h('span', { class: 'warn' }, `parked, ${f.sourceErrors}`) : String(f.sourceErrors),
      align: 'right',
    },
  ];
}

/** One row per flow log; a click opens its blobs or partitions below. */
function flowLogs(d: IngestHealthResponse): HTMLElement {
  const open = get('flowLog');
  const window = `Coverage: hours of the rules window (${time(d.window.from)} – ${time(d.window.to)}) with flows; below ${Math.round(d.minCoverage * 100)} % no rule is called unused.`;
  return h(
    'div',
    {},
    h('p', { class: 'muted' }, `${LEGEND} ${window}`),
    table(
      d.flowLogs,
      flowLogColumns(open),
      (f) => update({ flowLog: f.id === open ? undefined : f.id, page: undefined }),
      'No flow log has data in the rules window.',
    ),
    d.unattributedRejects.total
      ? h(
          'p',
          { class: 'muted' },
          `Rejects from sources shared by several flow logs: ${reasons(d.unattributedRejects)}`,
        )
      : null,
  );
}

/** The drill-down: the flow log's blobs, files or partitions, paged, paths whole on hover and copy. */
function drillDown(flowLog: string): HTMLElement {
  const page = Math.max(0, Number(get('page', '0')) || 0);
  return slot(
    () => api.ingestSources(flowLog, PAGE, page * PAGE),
    (d) => {
      const pages = Math.max(1, Math.ceil(d.total / PAGE));
      const go = (p: number) => update({ page: p ? String(p) : undefined });
      return h(
        'div',
        { class: 'drill' },
        table(d.rows, [
          { title: 'blob / file / partition', value: (r) => pathCell(r.source, 96) },
          { title: 'rows', value: (r) => human(r.rows), align: 'right' },
          { title: 'bytes', value: (r) => human(r.bytes, 'B'), align: 'right' },
          { title: 'newest flow', value: (r) => time(r.newestFlow) },
          { title: 'newest arrival', value: (r) => time(r.newestArrival) },
          { title: 'rejects', value: (r) => r.rejects, align: 'right' },
          { title: 'cursor updated', value: (r) => (r.positionUpdatedAt ? time(r.positionUpdatedAt) : '—') },
        ]),
        h(
          'div',
          { class: 'pager' },
          h('button', { class: 'ghost prev', disabled: page === 0, onclick: () => go(page - 1) }, '‹ newer'),
          h('span', { class: 'muted' }, ` page ${page + 1} of ${pages} (${human(d.total)}) `),
          h(
            'button',
            { class: 'ghost next', disabled: page + 1 >= pages, onclick: () => go(page + 1) },
            'older ›',
          ),
        ),
      );
    },
  );
}

function datasets(d: IngestHealthResponse): HTMLElement {
  return table(
    d.datasets,
    [
      { title: 'dataset', value: (x) => x.name },
      { title: 'version', value: (x) => x.version },
      { title: 'age', value: (x) => `${x.ageDays} days`, align: 'right' },
      { title: 'prefixes', value: (x) => human(x.rows), align: 'right' },
      { title: 'loaded', value: (x) => time(x.loadedAt) },
      { title: 'from', value: (x) => x.source },
    ],
    undefined,
    'No enrichment dataset loaded.',
  );
}

function sources(d: IngestHealthResponse): HTMLElement {
  return h(
    'div',
    {},
    table(
      d.sources,
      [
        { title: 'source', value: (s) => s.name },
        { title: 'kind', value: (s) => s.kind },
        { title: 'poll', value: (s) => (s.pollSeconds ? `${s.pollSeconds} s` : 'push'), align: 'right' },
        {
          title: 'lag',
          value: (s) => (s.lagSeconds === null ? '—' : lag(Math.round(s.lagSeconds))),
          align: 'right',
        },
        { title: 'errors', value: (s) => s.errors, align: 'right' },
        { title: 'parked', value: (s) => (s.parked ? h('span', { class: 'warn' }, 'parked') : 'no') },
      ],
      undefined,
      'This process runs no sources (ingest runs elsewhere).',
    ),
    h('p', { class: 'muted' }, `Insert attempts retried by this process: ${human(d.insertRetries)}`),
  );
}

/** Ingest health: one row per flow log, its blobs on demand, this process's sources, datasets, latest rejects. */
export function ingest(): HTMLElement {
  const health = api.ingestHealth();
  const open = get('flowLog');
  const rejects = slot(
    () => api.rejects(range()),
    (d) =>
      table(d.rows, [
        { title: 'time', value: (x) => time(x.time) },
        { title: 'reason', value: (x) => x.reason },
        { title: 'source', value: (x) => pathCell(x.source, 60) },
        { title: 'offset', value: (x) => x.offset, align: 'right' },
        { title: 'detail', value: (x) => x.detail },
        { title: 'excerpt', value: (x) => h('code', {}, x.excerpt.slice(0, 80)) },
      ]),
  );
  return grid(
    card(
      'Flow logs',
      slot(() => health, flowLogs),
      { wide: true },
    ),
    ...(open
      ? [card(`Blobs and partitions of ${open.split('/').at(-1)}`, drillDown(open), { wide: true })]
      : []),
    card(
      'Sources (this process)',
      slot(() => health, sources),
    ),
    card(
      'Enrichment datasets',
      slot(() => health, datasets),
    ),
    card('Latest rejects', rejects, { wide: true }),
  );
}
