/**
 * The customer list: filters, sort and search over the stored aggregates, keyset-paged.
 * `q` is read as an e-mail (has @), a phone in any spelling (normalised to E.164 in the
 * workspace country), an id, or words starting words of the name ("ив петр" finds Петров Иван).
 */

import { normalizeEmail, normalizePhone } from '../../core/import/values.ts';
import { searchWords } from '../../core/search-words.ts';
import type { RuleSet } from '../../core/segments/rules.ts';
import type { Settings } from '../../core/settings.ts';
import type { Database } from '../../storage/connect.ts';
import {
  type CustomerListFilter,
  type CustomerListRow,
  type CustomerSearch,
  type CustomerSortField,
  countCustomers,
  listCustomerPage,
} from '../../storage/queries/customer-list.ts';
import { loadSegmentRules } from '../segments/saved-segments.ts';
import { workspaceContext } from './context.ts';
import { decodeCursor, encodeCursor, queryFingerprint } from './cursor.ts';
import { type Principal, requirePermission, visibleManager } from './principal.ts';

export const MAX_PAGE = 200;

/** The filters a caller may set (visibility, search, rules and ids are resolved here). */
export type CustomerFilters = Omit<CustomerListFilter, 'visibleManager' | 'search' | 'rules' | 'ids'> & {
  q?: string;
  /** A saved segment's rules, ANDed with the other filters. */
  segmentId?: number;
  /** An inline rule set (already validated), ANDed likewise. */
  rules?: RuleSet;
};

export interface CustomerQuery extends CustomerFilters {
  sort: CustomerSortField;
  desc: boolean;
  cursor?: string;
  limit: number;
  /** Count every match too (one more query; the page itself never counts). */
  includeTotal?: boolean;
}

export interface CustomerPage {
  items: CustomerListRow[];
  nextCursor: string | null;
  currency: string;
  /** Exact number of matches, when asked for. */
  total: number | null;
}

export interface ResolvedFilter {
  filter: CustomerListFilter;
  settings: Settings;
  today: string;
  /** What the filter means, for cursor fingerprints (a changed segment invalidates cursors). */
  basis: unknown;
}

/**
 * The storage filter for what a caller asked: their visibility, the search parsed in the
 * workspace's country, the saved segment's rules (404 when it does not exist) and inline
 * rules read as of the workspace's today. Shared by the list, the export and bulk actions,
 * so all three always select the same customers.
 */
export async function resolveCustomerFilter(
  db: Database,
  principal: Principal,
  filters: CustomerFilters,
): Promise<ResolvedFilter> {
  const { settings, today } = await workspaceContext(db, principal.workspaceId);
  const { q, segmentId, rules, ...rest } = filters;
  const search = q === undefined ? undefined : parseSearch(q, settings.country);
  const sets: { set: RuleSet; asOf: string }[] = [];
  if (segmentId !== undefined)
    sets.push({ set: await loadSegmentRules(db, principal.workspaceId, segmentId), asOf: today });
  if (rules !== undefined) sets.push({ set: rules, asOf: today });
  const filter: CustomerListFilter = {
    ...rest,
    visibleManager: visibleManager(principal),
    ...(search ? { search } : {}),
    ...(sets.length > 0 ? { rules: sets } : {}),
  };
  return { filter, settings, today, basis: { q: q ?? null, rest, rules: sets.map((s) => s.set) } };
}

const PHONE_LIKE = /^[\d\s+()\-.]+$/;

export function parseSearch(q: string, country: string): CustomerSearch | undefined {
  const t = q.trim();
  if (t === '') return undefined;
  if (t.includes('@')) {
    const e = normalizeEmail(t);
    return e.ok ? { email: e.value } : byName(t);
  }
  if (PHONE_LIKE.test(t)) {
    const digits = t.replace(/\D/g, '');
    const phone = digits.length >= 7 ? normalizePhone(t, country) : null;
    if (phone?.ok) return { phone: phone.value, exact: t };
    return /^\d{1,15}$/.test(t) ? { exact: t, id: Number(t) } : { exact: t };
  }
  return byName(t);
}

/** A name (word prefixes) or, typed whole, an external or messenger id. */
function byName(t: string): CustomerSearch {
  const words = searchWords(t);
  return words.length > 0 ? { nameWords: words, exact: t } : { exact: t };
}

export async function searchCustomers(
  db: Database,
  principal: Principal,
  query: CustomerQuery,
): Promise<CustomerPage> {
  requirePermission(principal, 'customers:read');
  const { sort, desc, cursor, limit, includeTotal, ...filters } = query;
  const { filter, settings, basis } = await resolveCustomerFilter(db, principal, filters);
  // Days-ago rules move at midnight: the fingerprint holds the rules, not the day, so a
  // cursor crossing midnight keeps paging (rows may shift by one day's movers, as any live list).
  const fingerprint = queryFingerprint({ sort, desc, basis });
  const after = cursor ? decodeCursor(cursor, fingerprint) : null;
  const size = Math.min(Math.max(limit, 1), MAX_PAGE);
  // One row more than asked tells whether a next page exists.
  const [rows, total] = await Promise.all([
    listCustomerPage(db, principal.workspaceId, filter, { field: sort, desc }, after, size + 1),
    includeTotal ? countCustomers(db, principal.workspaceId, filter) : Promise.resolve(null),
  ]);
  const items = rows.slice(0, size);
  const last = items.at(-1);
  const nextCursor =
    rows.length > size && last ? encodeCursor({ value: last.sortValue, id: last.id }, fingerprint) : null;
  return { items, nextCursor, currency: settings.currency, total };
}

export type { CustomerListRow, CustomerSortField };
