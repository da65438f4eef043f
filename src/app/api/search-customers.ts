/**
 * The customer list: filters, sort and search over the stored aggregates, keyset-paged.
 * `q` is read as an e-mail (has @), a phone in any spelling (normalised to E.164 in the
 * workspace country), an id, or a name substring.
 */
import { normalizeEmail, normalizePhone } from '../../core/import/values.ts';
import type { Database } from '../../storage/connect.ts';
import {
  type CustomerListFilter,
  type CustomerListRow,
  type CustomerSearch,
  type CustomerSortField,
  listCustomerPage,
} from '../../storage/queries/customer-list.ts';
import { workspaceContext } from './context.ts';
import { decodeCursor, encodeCursor, queryFingerprint } from './cursor.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';

export const MAX_PAGE = 200;

export type CustomerFilters = Omit<CustomerListFilter, 'visibleManager' | 'search'>;

export interface CustomerQuery extends CustomerFilters {
  q?: string;
  sort: CustomerSortField;
  desc: boolean;
  cursor?: string;
  limit: number;
}

export interface CustomerPage {
  items: CustomerListRow[];
  nextCursor: string | null;
  currency: string;
}

const PHONE_LIKE = /^[\d\s+()\-.]+$/;

export function parseSearch(q: string, country: string): CustomerSearch | undefined {
  const t = q.trim();
  if (t === '') return undefined;
  if (t.includes('@')) {
    const e = normalizeEmail(t);
    return e.ok ? { email: e.value } : { nameLike: t, exact: t };
  }
  if (PHONE_LIKE.test(t)) {
    const digits = t.replace(/\D/g, '');
    const phone = digits.length >= 7 ? normalizePhone(t, country) : null;
    if (phone?.ok) return { phone: phone.value, exact: t };
    return /^\d{1,15}$/.test(t) ? { exact: t, id: Number(t) } : { exact: t };
  }
  return { nameLike: t, exact: t };
}

export async function searchCustomers(
  db: Database,
  principal: Principal,
  query: CustomerQuery,
): Promise<CustomerPage> {
  requirePermission(principal, 'customers:read');
  const { settings } = await workspaceContext(db, principal.workspaceId);
  const { q, sort, desc, cursor, limit, ...filters } = query;
  const search = q === undefined ? undefined : parseSearch(q, settings.country);
  const fingerprint = queryFingerprint({ q: q ?? null, sort, desc, filters });
  const after = cursor ? decodeCursor(cursor, fingerprint) : null;
  const size = Math.min(Math.max(limit, 1), MAX_PAGE);
  const filter: CustomerListFilter = {
    ...filters,
    visibleManager: visibleManager(principal),
    ...(search ? { search } : {}),
  };
  // One row more than asked tells whether a next page exists.
  const rows = await listCustomerPage(
    db,
    principal.workspaceId,
    filter,
    { field: sort, desc },
    after,
    size + 1,
  );
  const items = rows.slice(0, size);
  const last = items.at(-1);
  const nextCursor =
    rows.length > size && last ? encodeCursor({ value: last.sortValue, id: last.id }, fingerprint) : null;
  return { items, nextCursor, currency: settings.currency };
}

export type { CustomerListRow, CustomerSortField };
