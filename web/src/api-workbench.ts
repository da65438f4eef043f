/**
 * The API client of the customers workbench: saved segments, the live count of a rule set,
 * bulk actions and the CSV export. Types come from the contract by `import type` only.
 */
import type { z } from '@hono/zod-openapi';
import type * as C from '../../src/http/contract/index.ts';
import { json, send } from './api.ts';

export type SavedSegment = z.infer<typeof C.SavedSegment>;
export type SegmentRules = z.input<typeof C.SegmentRules>;
export type Condition = SegmentRules['conditions'][number];
export type RuleField = Condition['field'];
export type BulkRequest = z.input<typeof C.BulkRequest>;
export type BulkResult = z.infer<typeof C.BulkResult>;
export type ChurnRisk = NonNullable<z.infer<typeof C.CustomerSummary>['churn_risk']>;

export const CHURN_RISKS: readonly ChurnRisk[] = ['low', 'medium', 'high'];

type Opts = { signal?: AbortSignal | undefined };
type Query = Record<string, string | number | undefined | null>;

export const workbench = {
  /** Without counts: each count is a scan of the base, so the page asks for them one by one. */
  segments: (o: Opts = {}) => json<{ items: SavedSegment[] }>(send('GET', '/api/saved-segments', o)),
  segment: (id: number, o: Opts = {}) => json<SavedSegment>(send('GET', `/api/saved-segments/${id}`, o)),
  createSegment: (body: { name: string; description?: string | null; rules: SegmentRules }) =>
    json<SavedSegment>(send('POST', '/api/saved-segments', { json: body })),
  updateSegment: (id: number, body: { name?: string; description?: string | null; rules?: SegmentRules }) =>
    json<SavedSegment>(send('PATCH', `/api/saved-segments/${id}`, { json: body })),
  deleteSegment: async (id: number) => {
    await send('DELETE', `/api/saved-segments/${id}`);
  },
  preview: (rules: SegmentRules, o: Opts = {}) =>
    json<{ count: number }>(send('POST', '/api/saved-segments/preview', { json: { rules }, ...o })),
  bulk: (body: BulkRequest) => json<BulkResult>(send('POST', '/api/customers/bulk', { json: body })),
  /** Downloads the CSV of every customer the filters match (the key travels in a header, so no plain link). */
  exportCsv: async (query: Query) => {
    const res = await send('GET', '/api/customers/export.csv', { query });
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `customers-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};
