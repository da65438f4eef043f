/**
 * The customer list as CSV: the same filters (and visibility) as the list, streamed page by
 * page in the list's sort order, so an export of a million rows holds one page in memory.
 * UTF-8 with a BOM so Excel opens Cyrillic names correctly.
 *
 * Who may export: anyone with customers:read, viewers included. A viewer can already read
 * every visible customer, contacts included, page by page through the API; refusing the
 * file would add friction, not protection. Managers export only their own customers.
 */
import { csvRow, UTF8_BOM } from '../../core/segments/csv.ts';
import type { Database } from '../../storage/connect.ts';
import {
  type CustomerSortField,
  type Keyset,
  listCustomerPage,
} from '../../storage/queries/customer-list.ts';
import { listStaff } from '../../storage/queries/staff.ts';
import { type Principal, requirePermission } from '../api/principal.ts';
import { type CustomerFilters, resolveCustomerFilter } from '../api/search-customers.ts';

const CHUNK = 1000;

export const EXPORT_COLUMNS = [
  'id',
  'name',
  'phone',
  'email',
  'status',
  'rfm_segment',
  'r',
  'f',
  'm',
  'purchases',
  'revenue',
  'currency',
  'first_purchase_on',
  'last_purchase_on',
  'next_expected_on',
  'cycle_days',
  'cvm_stage',
  'manager',
  'tags',
  'source',
  'birthday',
  'p_alive',
  'predicted_clv',
  'churn_risk',
] as const;

/**
 * Checks permission and the filter up front (so errors are proper API errors, not a broken
 * download), then returns the CSV as an async sequence of text chunks.
 */
export async function exportCustomersCsv(
  db: Database,
  principal: Principal,
  query: CustomerFilters & { sort: CustomerSortField; desc: boolean },
): Promise<AsyncIterable<string>> {
  requirePermission(principal, 'customers:read');
  const { sort, desc, ...filters } = query;
  const { filter, settings } = await resolveCustomerFilter(db, principal, filters);
  const staff = new Map((await listStaff(db, principal.workspaceId)).map((s) => [s.id, s.name]));
  const ws = principal.workspaceId;
  return (async function* () {
    yield UTF8_BOM + csvRow(EXPORT_COLUMNS);
    let after: Keyset | null = null;
    for (;;) {
      const rows = await listCustomerPage(db, ws, filter, { field: sort, desc }, after, CHUNK);
      let text = '';
      for (const r of rows) {
        text += csvRow([
          r.id,
          r.name,
          r.phone,
          r.email,
          r.status,
          r.rfmSegment,
          r.rScore,
          r.fScore,
          r.mScore,
          r.purchases,
          r.revenue,
          settings.currency,
          r.firstPurchaseOn,
          r.lastPurchaseOn,
          r.nextExpectedOn,
          r.cycleDays,
          r.cvmStage,
          r.managerId === null ? null : (staff.get(r.managerId) ?? `#${r.managerId}`),
          r.tags.join('; '),
          r.source,
          r.birthday,
          r.pAlive,
          r.predictedClv,
          r.churnRisk,
        ]);
      }
      if (text) yield text;
      const last = rows.at(-1);
      if (rows.length < CHUNK || !last) return;
      after = { value: last.sortValue, id: last.id };
    }
  })();
}
