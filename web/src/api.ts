/**
 * The API client. Every type comes from the API contract (src/http/contract) by `import type`
 * only: nothing of zod or Hono reaches the browser bundle. Requests carry the session cookie
 * (see auth.ts); a 401 signs the user out.
 */
import type { z } from '@hono/zod-openapi';
import type * as C from '../../src/http/contract/index.ts';
import { authHeaders } from './auth.ts';

export type Money = z.infer<typeof C.Money>;
export type Kpis = z.infer<typeof C.Kpis>;
export type KpiReport = z.infer<typeof C.KpiReport>;
export type TrendReport = z.infer<typeof C.TrendReport>;
export type CohortReport = z.infer<typeof C.CohortReport>;
export type Settings = z.infer<typeof C.Settings>;
export type StaffList = z.infer<typeof C.Staff>;
export type CustomerSummary = z.infer<typeof C.CustomerSummary>;
export type CustomerPage = z.infer<typeof C.CustomerPage>;
export type CustomerCard = z.infer<typeof C.CustomerCard>;
export type CustomerPatch = z.input<typeof C.CustomerPatch>;
export type TimelineItem = z.infer<typeof C.TimelineItem>;
export type UploadPreview = z.infer<typeof C.UploadPreview>;
export type ImportRunRequest = z.input<typeof C.ImportRunRequest>;
export type ImportSummary = z.infer<typeof C.ImportSummary>;
export type ImportStarted = z.infer<typeof C.ImportStarted>;
export type ImportStatus = z.infer<typeof C.ImportStatus>;
export type ErrorBody = z.infer<typeof C.ErrorBody>;
/** The query of GET /api/customers as sent (strings before the server parses them). */
export type CustomerListQuery = z.input<typeof C.CustomerListQuery>;

export type LifecycleStatus = (typeof C.LIFECYCLE_STATUSES)[number];
export type RfmSegment = (typeof C.RFM_SEGMENTS)[number];
export type CvmStage = (typeof C.CVM_STAGES)[number];
export type SortField = (typeof C.SORT_FIELDS)[number];

// The contract's value lists, restated here so the bundle does not import zod; the type
// annotation makes the compiler fail if the contract's lists change.
export const LIFECYCLE_STATUSES: typeof C.LIFECYCLE_STATUSES = ['lead', 'newbie', 'fan', 'sleeping', 'lost'];
export const RFM_SEGMENTS: typeof C.RFM_SEGMENTS = [
  'champions',
  'loyal',
  'potential_loyalist',
  'new',
  'promising',
  'need_attention',
  'about_to_sleep',
  'at_risk',
  'cant_lose',
  'hibernating',
];
export const CVM_STAGES: typeof C.CVM_STAGES = [
  'acquisition',
  'onboarding',
  'development',
  'retention',
  'winback',
];
export const SORT_FIELDS: typeof C.SORT_FIELDS = [
  'id',
  'name',
  'revenue',
  'purchases',
  'last_purchase_on',
  'next_expected_on',
  'predicted_clv',
  'p_alive',
];

export type SegmentCounts = z.infer<typeof C.SegmentCounts>;
export type RfmCell = SegmentCounts['rfm_grid'][number];
/** The card as the page shows it (prediction and recommendations are in the contract now). */
export type CustomerCardView = CustomerCard;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** Field problems of a 422 validation_failed, keyed by path. */
  fieldProblems(): Record<string, string> {
    const out: Record<string, string> = {};
    if (Array.isArray(this.details)) {
      for (const d of this.details as { path?: unknown; message?: unknown }[]) {
        if (typeof d?.path === 'string' && typeof d.message === 'string') out[d.path] = d.message;
      }
    }
    return out;
  }
}

type Query = Record<string, string | number | undefined | null>;

let onUnauthorized: (() => void) | null = null;
/** Called when the server rejects the session (the app shows the sign-in screen). */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export async function send(
  method: string,
  path: string,
  init: {
    query?: Query;
    json?: unknown;
    form?: FormData;
    signal?: AbortSignal | undefined;
    key?: string;
  } = {},
): Promise<Response> {
  // The session cookie goes by itself (same origin, httpOnly); an explicit key goes as a bearer.
  const headers: Record<string, string> = { Accept: 'application/json', ...authHeaders() };
  if (init.key) headers.Authorization = `Bearer ${init.key}`;
  let body: BodyInit | undefined;
  if (init.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form) body = init.form;
  const res = await fetch(withQuery(path, init.query), {
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  if (!res.ok) {
    let code = 'internal';
    let message = `${res.status} ${res.statusText}`;
    let details: unknown = null;
    try {
      const b = (await res.json()) as ErrorBody;
      code = b.error.code;
      message = b.error.message;
      details = b.error.details;
    } catch {
      // not the error shape (a proxy's page): keep the status line
    }
    if (res.status === 401 && init.key === undefined) onUnauthorized?.();
    throw new ApiError(res.status, code, message, details);
  }
  return res;
}

export async function json<T>(res: Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}

type Opts = { signal?: AbortSignal | undefined };

export const api = {
  /** Checks a key without storing it (the sign-in screen). */
  checkKey: (key: string) => json<Settings>(send('GET', '/api/settings', { key })),
  settings: (o: Opts = {}) => json<Settings>(send('GET', '/api/settings', o)),
  patchSettings: (patch: Partial<Settings>) =>
    json<Settings>(send('PATCH', '/api/settings', { json: patch })),
  staff: (o: Opts = {}) => json<StaffList>(send('GET', '/api/staff', o)),

  kpis: (q: { from: string; to: string; as_of?: string }, o: Opts = {}) =>
    json<KpiReport>(send('GET', '/api/reports/kpis', { query: q, ...o })),
  trend: (q: { from: string; to: string; as_of?: string }, o: Opts = {}) =>
    json<TrendReport>(send('GET', '/api/reports/trend', { query: q, ...o })),
  cohorts: (o: Opts = {}) => json<CohortReport>(send('GET', '/api/reports/cohorts', o)),
  segments: (o: Opts = {}) => json<SegmentCounts>(send('GET', '/api/segments', o)),

  customers: (q: CustomerListQuery, o: Opts = {}) =>
    json<CustomerPage>(send('GET', '/api/customers', { query: q as Query, ...o })),
  customer: (id: number, o: Opts = {}) => json<CustomerCardView>(send('GET', `/api/customers/${id}`, o)),
  patchCustomer: (id: number, patch: CustomerPatch) =>
    json<CustomerCardView>(send('PATCH', `/api/customers/${id}`, { json: patch })),

  upload: (form: FormData) => json<UploadPreview>(send('POST', '/api/imports', { form })),
  dryRun: (uploadId: string, body: ImportRunRequest) =>
    json<ImportSummary>(send('POST', `/api/imports/${encodeURIComponent(uploadId)}/dry-run`, { json: body })),
  run: (uploadId: string, body: ImportRunRequest) =>
    json<ImportStarted>(send('POST', `/api/imports/${encodeURIComponent(uploadId)}/run`, { json: body })),
  importStatus: (batchId: number, o: Opts = {}) =>
    json<ImportStatus>(send('GET', `/api/imports/${batchId}`, o)),
  rejectsCsv: async (batchId: number) => (await send('GET', `/api/imports/${batchId}/rejects.csv`)).blob(),
};

export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
