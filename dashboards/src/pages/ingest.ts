import { api } from '../api.js';
import { range } from '../state.js';
import { grid, slot } from '../ui/async.js';
import { card, h, human, time } from '../ui/dom.js';
import { table } from '../ui/table.js';

function lag(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** What this process's sinks committed since start; rows of ranges stored before are named, not counted. */
function storedLine(rows: Record<string, { committed: number; duplicates: number }>): string {
  const parts = Object.entries(rows).map(
    ([kind, r]) =>
      `${kind}: ${human(r.committed)} rows stored` +
      (r.duplicates ? `, ${human(r.duplicates)} already stored (duplicate range)` : ''),
  );
  return `This process since start — ${parts.length ? parts.join('; ') : 'nothing ingested'}`;
}

/** Ingest health: sources with lag, positions, rejects by reason and the latest rejects. */
export function ingest(): HTMLElement {
  const r = range();
  const status = slot(
    () => api.ingest(r),
    (d) =>
      h(
        'div',
        {},
        table(d.sources, [
          { title: 'source', value: (s) => s.source },
          { title: 'rows in range', value: (s) => human(s.rows), align: 'right' },
          { title: 'newest flow', value: (s) => time(s.newestFlow) },
          { title: 'last ingested', value: (s) => time(s.lastIngested) },
          {
            title: 'lag',
            value: (s) => h('span', { class: s.lagSeconds > 900 ? 'warn' : '' }, lag(s.lagSeconds)),
            align: 'right',
          },
        ]),
        h('p', {}, storedLine(d.reportedRows)),
        h('h4', {}, `Rejects in range: ${human(d.rejects.total)}`),
        table(Object.entries(d.rejects.byReason), [
          { title: 'reason', value: ([k]) => k },
          { title: 'count', value: ([, v]) => human(v), align: 'right' },
        ]),
        h('h4', {}, 'Source positions'),
        table(d.positions.slice(0, 50), [
          { title: 'kind', value: (p) => p.sourceKind },
          { title: 'key', value: (p) => p.sourceKey },
          { title: 'updated', value: (p) => time(p.updatedAt) },
        ]),
      ),
  );
  const rejects = slot(
    () => api.rejects(r),
    (d) =>
      table(d.rows, [
        { title: 'time', value: (x) => time(x.time) },
        { title: 'reason', value: (x) => x.reason },
        { title: 'source', value: (x) => x.source },
        { title: 'offset', value: (x) => x.offset, align: 'right' },
        { title: 'detail', value: (x) => x.detail },
        { title: 'excerpt', value: (x) => h('code', {}, x.excerpt.slice(0, 80)) },
      ]),
  );
  return grid(card('Sources', status, { wide: true }), card('Latest rejects', rejects, { wide: true }));
}
