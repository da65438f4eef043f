/**
 * Per customer × category: the expected next purchase in that category (own median interval
 * with ≥ 2 intervals, else the category's median) — the base for reminders "3–5 days before
 * the next visit is due" (seed 000).
 */
import { type CustomerCategoryNext, customerCategoryNext } from '../../core/analytics/category-cycle.ts';
import type { Day } from '../../core/day.ts';
import type { Database } from '../../storage/connect.ts';
import { loadCategoryLines } from '../../storage/queries/analytics.ts';

export async function categoryNextByCustomer(
  db: Database,
  workspaceId: number,
  asOf: Day,
): Promise<Map<number, CustomerCategoryNext[]>> {
  const out = new Map<number, CustomerCategoryNext[]>();
  for (const row of customerCategoryNext(await loadCategoryLines(db, workspaceId, asOf), asOf)) {
    const list = out.get(row.customerId) ?? [];
    list.push(row);
    out.set(row.customerId, list);
  }
  return out;
}
