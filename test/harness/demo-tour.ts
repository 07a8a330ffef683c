import type { Tour, TourCheck } from '../../cli/demo-tour.js';

/**
 * Evaluates one tour check against a running demo through its public API. Returns null when the
 * check holds, else what was seen (for the test's failure message).
 */
export async function failedCheck(url: string, tour: Tour, check: TourCheck): Promise<string | null> {
  const range = `from=${encodeURIComponent(tour.range.from)}&to=${encodeURIComponent(tour.range.to)}`;
  switch (check.kind) {
    case 'history': {
      // Charts read the rollups, the flows page the raw table: both must hold the whole history.
      const series = await getJson<Series>(`${url}/api/traffic/series?${range}&metric=flows`);
      const edge = async (order: string) =>
        (await getJson<{ rows: { time: string }[] }>(`${url}/api/flows?${range}&order=${order}&limit=1`))
          .rows[0]?.time;
      const raw = { oldest: await edge('asc'), newest: await edge('desc') };
      return history(series, check.hours) ?? rawHistory(raw, series, check.hours);
    }
    case 'finding': {
      const list = await getJson<{ items: { category: string; subject: Record<string, unknown> }[] }>(
        `${url}/api/findings?limit=500&category=${encodeURIComponent(check.category)}`,
      );
      const hit = list.items.some((f) => Object.entries(check.subject).every(([k, v]) => f.subject[k] === v));
      return hit ? null : `${check.category} findings: ${JSON.stringify(list.items.map((f) => f.subject))}`;
    }
    case 'recommendation': {
      const recs = await getJson<{ nsg: string; rule: string; categories: string[] }[]>(
        `${url}/api/rules/recommendations?${range}&nsg=${encodeURIComponent(check.nsg)}`,
      );
      const r = recs.find((x) => x.rule === check.rule);
      return r?.categories.includes(check.category)
        ? null
        : `recommendations: ${recs.map((x) => `${x.rule}:${x.categories.join('+')}`).join(', ')}`;
    }
    case 'exposure': {
      const filter = `direction = inbound AND remote_is_public = true AND action = allow AND dst_ip = "${check.ip}" AND dst_port = ${check.port}`;
      const top = await getJson<{ rows: { flows: number }[] }>(
        `${url}/api/traffic/top?${range}&dimension=conversation&metric=flows&filter=${encodeURIComponent(filter)}`,
      );
      return top.rows.some((r) => r.flows > 0) ? null : 'no allowed internet flows';
    }
    case 'reachable': {
      const res = await fetch(`${url}${check.path}`);
      return res.status === 200 ? null : `HTTP ${res.status}`;
    }
  }
}

/** The series has flows in its first hour and its last hour (zero-filled buckets, `step` seconds wide). */
type Series = { step: number; series: { points: [string, number][] }[] };

function history(d: Series, hours: number): string | null {
  const totals = new Map<string, number>();
  for (const s of d.series) for (const [t, v] of s.points) totals.set(t, (totals.get(t) ?? 0) + v);
  const times = [...totals.keys()].sort();
  const busy = times.filter((t) => totals.get(t)! > 0);
  if (!times.length || !busy.length) return 'no flows in the range';
  const hour = 3_600_000;
  const firstOk = Date.parse(busy[0]!) - Date.parse(times[0]!) < hour;
  const lastOk = Date.parse(times.at(-1)!) - Date.parse(busy.at(-1)!) < hour;
  const spanHours = (Date.parse(busy.at(-1)!) - Date.parse(busy[0]!)) / hour + d.step / 3600;
  return firstOk && lastOk && spanHours >= hours - 1
    ? null
    : `flows from ${busy[0]} to ${busy.at(-1)} in a range from ${times[0]} to ${times.at(-1)}`;
}

/** The raw flows' oldest and newest rows lie in the first and last hour of the series' range. */
function rawHistory(
  raw: { oldest: string | undefined; newest: string | undefined },
  d: Series,
  hours: number,
): string | null {
  const times = d.series[0]?.points.map(([t]) => Date.parse(t)) ?? [];
  const from = Math.min(...times);
  const to = Math.max(...times) + d.step * 1000;
  const oldest = Date.parse(raw.oldest ?? '');
  const newest = Date.parse(raw.newest ?? '');
  const ok =
    oldest - from < 3_600_000 && to - newest < 3_600_000 && newest - oldest >= (hours - 1) * 3_600_000;
  return ok ? null : `raw flows from ${raw.oldest} to ${raw.newest}`;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
