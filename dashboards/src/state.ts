/**
 * Page state lives in the URL (shareable links, back/forward work): `from`, `to`, `filter`,
 * `refresh` and page-specific keys. Reading is pure; writing replaces or pushes history.
 */
export function get(key: string, fallback = ''): string {
  return new URLSearchParams(location.search).get(key) ?? fallback;
}

export function range(): { from: string; to: string } {
  return { from: get('from', 'now-24h'), to: get('to', 'now') };
}

/** Updates keys (empty value removes) and notifies the app to re-render. */
export function update(changes: Record<string, string | undefined>, push = false): void {
  const params = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') params.delete(k);
    else params.set(k, v);
  }
  const url = `${location.pathname}${params.toString() ? `?${params}` : ''}`;
  if (push) history.pushState(null, '', url);
  else history.replaceState(null, '', url);
  window.dispatchEvent(new Event('flowlens:state'));
}

/** Navigates to another page, keeping the time range (and optionally setting a filter). */
export function navigate(path: string, extra: Record<string, string> = {}): void {
  const keep = new URLSearchParams();
  for (const k of ['from', 'to', 'refresh']) {
    const v = get(k);
    if (v) keep.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) keep.set(k, v);
  history.pushState(null, '', `${path}${keep.toString() ? `?${keep}` : ''}`);
  window.dispatchEvent(new Event('flowlens:state'));
}

/** A link to the flow explorer with a filter, for drill-downs. */
export function flowsLink(filter: string): string {
  const p = new URLSearchParams();
  for (const k of ['from', 'to']) {
    const v = get(k);
    if (v) p.set(k, v);
  }
  p.set('filter', filter);
  return `/flows?${p}`;
}
