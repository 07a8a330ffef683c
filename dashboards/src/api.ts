import type { Completion, Validation } from '../../api/routes/filter/routes.js';
import type { FindingDetail, FindingList } from '../../api/routes/findings/routes.js';
import type { FlowPage } from '../../api/routes/flows/routes.js';
import type { IncidentDetail, IncidentList } from '../../api/routes/incidents/routes.js';
import type { FlowLogSources, IngestHealthResponse } from '../../api/routes/ingest/health.js';
import type { FlowLogHealth } from '../../api/routes/ingest/health-read.js';
import type { IngestStatus, RejectRow } from '../../api/routes/ingest/routes.js';
import type { Recommendation, RulesResponse } from '../../api/routes/rules/routes.js';
import type { MatrixResponse, SeriesResponse, TopResponse } from '../../api/routes/traffic/routes.js';

export type {
  Completion,
  FindingDetail,
  FindingList,
  FlowLogHealth,
  FlowLogSources,
  FlowPage,
  IncidentDetail,
  IncidentList,
  IngestHealthResponse,
  IngestStatus,
  MatrixResponse,
  Recommendation,
  RejectRow,
  RulesResponse,
  SeriesResponse,
  TopResponse,
  Validation,
};

/** An API error in the server's envelope. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly position?: number | undefined,
  ) {
    super(message);
  }
}

const KEY_STORAGE = 'flowlens.apiKey';

export function apiKey(): string | null {
  return localStorage.getItem(KEY_STORAGE);
}
export function setApiKey(key: string | null): void {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

type Params = Record<string, string | number | undefined>;

export function query(params: Params): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Typed fetch against the flowlens API; the API key (if any) travels in X-API-Key. */
export async function call<T>(path: string, params: Params = {}, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  const key = apiKey();
  if (key) headers.set('X-API-Key', key);
  if (init.body) headers.set('Content-Type', 'application/json');
  const res = await fetch(`${path}${query(params)}`, { ...init, headers });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as {
      error?: { code: string; message: string; position?: number | undefined };
    } | null;
    throw new ApiFailure(
      res.status,
      body?.error?.code ?? 'http',
      body?.error?.message ?? res.statusText,
      body?.error?.position,
    );
  }
  return (await res.json()) as T;
}

/**
 * Downloads an API file (export, report) with the key: a plain `<a download>` sends no header, so
 * with auth on it got 401. Fetches with X-API-Key, then saves the body as a blob under the name the
 * server's Content-Disposition gives. The blob stays in memory: exports are capped (exportMaxRows).
 */
export async function download(path: string, params: Params = {}): Promise<void> {
  const headers = new Headers();
  const key = apiKey();
  if (key) headers.set('X-API-Key', key);
  const res = await fetch(`${path}${query(params)}`, { headers });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new ApiFailure(res.status, body?.error?.code ?? 'http', body?.error?.message ?? res.statusText);
  }
  const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** An `<a>` that downloads through {@link download}; failures show in its title and `data-error`. */
export function downloadLink(label: string, path: string, params: Params): HTMLAnchorElement {
  const a = document.createElement('a');
  a.className = 'button ghost';
  a.href = `${path}${query(params)}`;
  a.textContent = label;
  a.addEventListener('click', (e) => {
    e.preventDefault();
    a.removeAttribute('data-error');
    download(path, params).catch((err: Error) => {
      a.setAttribute('data-error', err.message);
      a.title = `Download failed: ${err.message}`;
    });
  });
  return a;
}

export type Range = { from: string; to: string };

export const api = {
  series: (
    r: Range,
    p: { metric?: string | undefined; split?: string | undefined; filter?: string | undefined },
  ) => call<SeriesResponse>('/api/traffic/series', { ...r, ...p }),
  top: (
    r: Range,
    p: {
      dimension: string;
      metric?: string | undefined;
      filter?: string | undefined;
      limit?: number | undefined;
    },
  ) => call<TopResponse>('/api/traffic/top', { ...r, ...p }),
  matrix: (
    r: Range,
    p: {
      metric?: string | undefined;
      filter?: string | undefined;
      prefix?: number | undefined;
      limit?: number | undefined;
    },
  ) => call<MatrixResponse>('/api/traffic/matrix', { ...r, ...p }),
  flows: (
    r: Range,
    p: {
      filter?: string | undefined;
      cursor?: string | undefined;
      limit?: number | undefined;
      order?: string | undefined;
    },
  ) => call<FlowPage>('/api/flows', { ...r, ...p }),
  findings: (p: {
    status?: string | undefined;
    severity?: string | undefined;
    category?: string | undefined;
    q?: string | undefined;
    sort?: string | undefined;
    order?: string | undefined;
    limit?: number | undefined;
  }) => call<FindingList>('/api/findings', p),
  finding: (id: string) => call<FindingDetail>(`/api/findings/${encodeURIComponent(id)}`),
  incidents: (p: {
    status?: string | undefined;
    severity?: string | undefined;
    limit?: number | undefined;
  }) => call<IncidentList>('/api/incidents', p),
  incident: (id: string) => call<IncidentDetail>(`/api/incidents/${encodeURIComponent(id)}`),
  setStatus: (id: string, status: string, comment: string) =>
    call<FindingDetail>(
      `/api/findings/${encodeURIComponent(id)}/status`,
      {},
      {
        method: 'POST',
        body: JSON.stringify({ status, comment }),
      },
    ),
  rules: (r: Range, nsg?: string) => call<RulesResponse>('/api/rules', { ...r, nsg }),
  recommendations: (r: Range, nsg?: string) =>
    call<Recommendation[]>('/api/rules/recommendations', { ...r, nsg }),
  ingest: (r: Range) => call<IngestStatus>('/api/ingest/status', r),
  ingestHealth: () => call<IngestHealthResponse>('/api/ingest/health'),
  ingestSources: (flowLog: string, limit: number, offset: number) =>
    call<FlowLogSources>('/api/ingest/health/sources', { flowLog, limit, offset }),
  rejects: (r: Range) => call<{ rows: RejectRow[] }>('/api/ingest/rejects', { ...r, limit: 50 }),
  complete: (field?: string | undefined, prefix?: string) =>
    call<Completion>('/api/filter/complete', { field, prefix }),
  validate: (filter: string) => call<Validation>('/api/filter/validate', { filter }),
};
