/**
 * Customers: search first (a phone in any spelling, an e-mail, a name), server-side filters
 * and sort kept in the URL (every filter of GET /api/customers, a saved segment too), keyset
 * pages of 50 with "load more" (never the whole base) and the exact total, a column chooser
 * with the prediction columns, saved views in localStorage, bulk actions on a selection or
 * on everything matching, CSV export, and "save as segment" into the rule builder.
 */
import { columnVisibilityFeature, createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import {
  ApiError,
  api,
  type CustomerListQuery,
  type CustomerPage,
  type CustomerSummary,
  CVM_STAGES,
  isAbort,
  LIFECYCLE_STATUSES,
  RFM_SEGMENTS,
  SORT_FIELDS,
  type SortField,
} from '../api.ts';
import { CHURN_RISKS, type Condition, type SegmentRules, workbench } from '../api-workbench.ts';
import { ErrorBox, Loading, PageTitle, SegmentBadge, StatusBadge } from '../components/ui.tsx';
import { useDebounced, useLoad, useStored } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { href, navigate, type Route } from '../router.ts';
import '../styles/workbench.css';

const PAGE = 50;
/** Filter keys kept in the URL, in the order they are sent. */
const FILTERS = [
  'q',
  'segment',
  'status',
  'rfm_segment',
  'cvm_stage',
  'manager_id',
  'tag',
  'sort',
  'r',
  'f',
  'source',
  'category',
  'spent_min',
  'spent_max',
  'purchases_min',
  'purchases_max',
  'last_purchase_after',
  'last_purchase_before',
  'next_expected_from',
  'next_expected_to',
  'status_since_from',
  'birthday_month',
  'churn_risk',
  'recommended',
] as const;

const features = tableFeatures({ columnVisibilityFeature });
const helper = createColumnHelper<typeof features, CustomerSummary>();

const SORT_OF: Record<string, SortField> = {
  id: 'id',
  name: 'name',
  revenue: 'revenue',
  purchases: 'purchases',
  last_purchase_on: 'last_purchase_on',
  next_expected_on: 'next_expected_on',
  predicted_clv: 'predicted_clv',
  p_alive: 'p_alive',
};

const COLUMN_LABELS: Record<string, MessageKey> = {
  id: 'col.id',
  name: 'col.name',
  phone: 'col.phone',
  email: 'col.email',
  status: 'col.status',
  rfm_segment: 'col.segment',
  r: 'col.r',
  f: 'col.f',
  m: 'col.m',
  purchases: 'col.purchases',
  revenue: 'col.revenue',
  first_purchase_on: 'col.first',
  last_purchase_on: 'col.last',
  next_expected_on: 'col.next',
  cycle_days: 'col.cycle',
  cvm_stage: 'col.cvm',
  manager_id: 'col.manager',
  tags: 'col.tags',
  source: 'col.source',
  birthday: 'col.birthday',
  p_alive: 'wb.col.pAlive',
  predicted_clv: 'wb.col.clv',
  churn_risk: 'wb.col.risk',
};

const NUMERIC = new Set([
  'id',
  'r',
  'f',
  'm',
  'purchases',
  'revenue',
  'cycle_days',
  'p_alive',
  'predicted_clv',
]);

const DEFAULT_VISIBILITY: Record<string, boolean> = {
  id: false,
  email: false,
  m: false,
  first_purchase_on: false,
  cycle_days: false,
  cvm_stage: false,
  manager_id: false,
  tags: false,
  source: false,
  birthday: false,
  p_alive: false,
  predicted_clv: false,
  churn_risk: false,
};

interface SavedView {
  name: string;
  query: string;
  columns: Record<string, boolean>;
}

interface Rows {
  items: CustomerSummary[];
  cursor: string | null;
  loading: boolean;
  error: Error | null;
}

function queryOf(route: Route): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTERS) {
    const v = route.query.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** The dashboard's RFM cell: exactly one R and one F score. */
function cellOf(q: Record<string, string>): { r: number; f: number } | null {
  if (!/^[1-5]$/.test(q.r ?? '') || !/^[1-5]$/.test(q.f ?? '')) return null;
  return { r: Number(q.r), f: Number(q.f) };
}

const dayBefore = (d: string, n: number) =>
  new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * The list's filters as segment rules, for "save as segment". Search, CVM stage, next due
 * and status-since have no rule: they are reported as left out.
 */
export function rulesOfQuery(q: Record<string, string>): { rules: SegmentRules; leftOut: boolean } {
  const c: Condition[] = [];
  const list = (v: string) => v.split(',').filter(Boolean);
  if (q.status) c.push({ field: 'status', op: 'in', values: list(q.status) as never });
  if (q.rfm_segment) c.push({ field: 'rfm_segment', op: 'in', values: list(q.rfm_segment) as never });
  for (const [key, field] of [
    ['r', 'r_score'],
    ['f', 'f_score'],
  ] as const) {
    const scores = list(q[key] ?? '').map(Number);
    if (scores.length > 0) c.push({ field, min: Math.min(...scores), max: Math.max(...scores) });
  }
  if (q.manager_id)
    c.push({ field: 'manager', op: 'in', values: [q.manager_id === 'none' ? null : Number(q.manager_id)] });
  if (q.tag) c.push({ field: 'tag', op: 'has', value: q.tag });
  if (q.source) c.push({ field: 'source', op: 'in', values: [q.source] });
  if (q.category) c.push({ field: 'category', op: 'bought', value: q.category });
  if (q.spent_min || q.spent_max)
    c.push({
      field: 'spent',
      ...(q.spent_min ? { min: q.spent_min } : {}),
      ...(q.spent_max ? { max: q.spent_max } : {}),
    });
  if (q.purchases_min || q.purchases_max)
    c.push({
      field: 'purchases',
      ...(q.purchases_min ? { min: Number(q.purchases_min) } : {}),
      ...(q.purchases_max ? { max: Number(q.purchases_max) } : {}),
    });
  // The list's last-purchase bounds are exclusive; the rule's are inclusive.
  if (q.last_purchase_after || q.last_purchase_before)
    c.push({
      field: 'last_purchase_on',
      ...(q.last_purchase_after ? { min: dayBefore(q.last_purchase_after, 1) } : {}),
      ...(q.last_purchase_before ? { max: dayBefore(q.last_purchase_before, -1) } : {}),
    });
  if (q.birthday_month) c.push({ field: 'birthday_month', values: [Number(q.birthday_month)] });
  if (q.churn_risk) c.push({ field: 'churn_risk', values: list(q.churn_risk) as never });
  if (q.recommended) c.push({ field: 'recommended', value: q.recommended });
  const leftOut = Boolean(
    q.q || q.cvm_stage || q.next_expected_from || q.next_expected_to || q.status_since_from,
  );
  return { rules: { match: 'all', conditions: c }, leftOut };
}

export function CustomersPage(props: { route: Route }) {
  const { t, tk, fmt } = useI18n();
  const query = queryOf(props.route);
  const queryKey = new URLSearchParams(query).toString();
  const cell = cellOf(query);

  // The search box is local while typing; the URL follows 300 ms later.
  const [text, setText] = useState(query.q ?? '');
  const debounced = useDebounced(text, 300);
  const lastUrlQ = useRef(query.q ?? '');
  useEffect(() => {
    if ((query.q ?? '') !== lastUrlQ.current) {
      lastUrlQ.current = query.q ?? '';
      setText(query.q ?? '');
    }
  }, [query.q]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the debounced text drives this
  useEffect(() => {
    const q = debounced.trim();
    if (q !== (lastUrlQ.current ?? '').trim()) {
      lastUrlQ.current = q;
      setFilter('q', q, true);
    }
  }, [debounced]);

  function setFilter(key: string, value: string, replace = false) {
    const next: Record<string, string> = { ...query };
    if (value) next[key] = value;
    else delete next[key];
    // The cell belongs to its segment: a new segment, or no cell, drops both coordinates.
    if (key === 'rfm_segment' || (key === 'r' && !value)) {
      delete next.r;
      delete next.f;
    }
    navigate(href('/customers', next), { replace });
  }

  const [rows, setRows] = useState<Rows>({ items: [], cursor: null, loading: true, error: null });
  const ctl = useRef<AbortController | null>(null);

  // Every filter is the server's now (the RFM cell too: no more reading pages to find it).
  const fetchPage = async (cursor: string | null, previous: CustomerSummary[]) => {
    ctl.current?.abort();
    const c = new AbortController();
    ctl.current = c;
    setRows({ items: previous, cursor, loading: true, error: null });
    const params: CustomerListQuery = {
      ...(query as CustomerListQuery),
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    };
    try {
      const page: CustomerPage = await api.customers(params, { signal: c.signal });
      if (!c.signal.aborted) {
        setRows({
          items: [...previous, ...page.items],
          cursor: page.next_cursor,
          loading: false,
          error: null,
        });
      }
    } catch (e) {
      if (c.signal.aborted || isAbort(e)) return;
      setRows({
        items: previous,
        cursor,
        loading: false,
        error: e instanceof Error ? e : new Error(String(e)),
      });
    }
  };

  // The exact total is a full count (hundreds of ms at a million customers): asked for once
  // per query, apart from the pages, so rows show as soon as they are read and "load more"
  // never waits for it. A bulk action asks again (a tag filter's total may have moved).
  const [total, setTotal] = useState<number | null>(null);
  const [totalTick, setTotalTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the query string is the key
  useEffect(() => {
    const c = new AbortController();
    setTotal(null);
    api
      .customers({ ...(query as CustomerListQuery), limit: 1, include_total: 'true' }, { signal: c.signal })
      .then(
        (p) => {
          if (!c.signal.aborted) setTotal(p.total);
        },
        () => {
          // The list works without its total.
        },
      );
    return () => c.abort();
  }, [queryKey, totalTick]);

  // Selection: ids on screen, or "everything matching" (then the filter is the target).
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [allMatching, setAllMatching] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new query starts a new selection
  useEffect(() => {
    setSelected(new Set());
    setAllMatching(false);
  }, [queryKey]);
  const toggle = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
    setAllMatching(false);
  };
  const pageIds = rows.items.map((r) => r.id);
  const pageSelected = pageIds.length > 0 && pageIds.every((id) => selected.has(id));

  const segmentId = query.segment ? Number(query.segment) : null;
  const segment = useLoad(
    (signal) => (segmentId ? workbench.segment(segmentId, { signal }) : Promise.resolve(null)),
    [segmentId],
  );

  const filterOnly = useMemo(() => {
    const { sort: _sort, ...rest } = query;
    return rest;
  }, [query]);

  const saveAsSegment = () => {
    const { rules, leftOut } = rulesOfQuery(query);
    if (segmentId && segment.data)
      rules.conditions.unshift(...(segment.data.rules.conditions as Condition[]));
    navigate(href('/segments', { rules: JSON.stringify(rules), ...(leftOut ? { left_out: '1' } : {}) }));
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the query string is the key
  useEffect(() => {
    void fetchPage(null, []);
    return () => ctl.current?.abort();
  }, [queryKey]);

  const staff = useLoad((signal) => api.staff({ signal }).catch(() => ({ items: [] })), []);
  const staffName = useMemo(
    () => new Map((staff.data?.items ?? []).map((s) => [s.id, s.name])),
    [staff.data],
  );

  const [visibility, setVisibility] = useStored<Record<string, boolean>>(
    'comeback.customers.columns',
    DEFAULT_VISIBILITY,
  );
  const [views, setViews] = useStored<SavedView[]>('comeback.customers.views', []);

  const columns = useMemo(
    () =>
      helper.columns([
        helper.accessor('id', { header: t('col.id') }),
        helper.accessor('name', {
          header: t('col.name'),
          cell: (c) => (
            <a href={href(`/customers/${c.row.original.id}`)} className="row-link">
              {c.getValue() ?? t('cust.noName')}
            </a>
          ),
        }),
        helper.accessor('phone', {
          header: t('col.phone'),
          cell: (c) => {
            const v = c.getValue();
            return v ? <a href={`tel:${v}`}>{v}</a> : '—';
          },
        }),
        helper.accessor('email', { header: t('col.email'), cell: (c) => c.getValue() ?? '—' }),
        helper.accessor('status', {
          header: t('col.status'),
          cell: (c) => <StatusBadge status={c.getValue()} />,
        }),
        helper.accessor('rfm_segment', {
          header: t('col.segment'),
          cell: (c) => <SegmentBadge segment={c.getValue()} />,
        }),
        helper.accessor('r', { header: t('col.r'), cell: (c) => c.getValue() ?? '—' }),
        helper.accessor('f', { header: t('col.f'), cell: (c) => c.getValue() ?? '—' }),
        helper.accessor('m', { header: t('col.m'), cell: (c) => c.getValue() ?? '—' }),
        helper.accessor('purchases', { header: t('col.purchases'), cell: (c) => fmt.number(c.getValue()) }),
        helper.accessor('revenue', { header: t('col.revenue'), cell: (c) => fmt.money(c.getValue(), 0) }),
        helper.accessor('first_purchase_on', { header: t('col.first'), cell: (c) => fmt.day(c.getValue()) }),
        helper.accessor('last_purchase_on', { header: t('col.last'), cell: (c) => fmt.day(c.getValue()) }),
        helper.accessor('next_expected_on', { header: t('col.next'), cell: (c) => fmt.day(c.getValue()) }),
        helper.accessor('cycle_days', { header: t('col.cycle'), cell: (c) => fmt.number(c.getValue(), 1) }),
        helper.accessor('cvm_stage', {
          header: t('col.cvm'),
          cell: (c) => {
            const v = c.getValue();
            return v ? tk(`cvm.${v}`, v) : '—';
          },
        }),
        helper.accessor('manager_id', {
          header: t('col.manager'),
          cell: (c) => {
            const v = c.getValue();
            return v === null ? '—' : (staffName.get(v) ?? `#${v}`);
          },
        }),
        helper.accessor('tags', { header: t('col.tags'), cell: (c) => c.getValue().join(', ') || '—' }),
        helper.accessor('source', { header: t('col.source'), cell: (c) => c.getValue() ?? '—' }),
        helper.accessor('birthday', { header: t('col.birthday'), cell: (c) => fmt.day(c.getValue()) }),
        helper.accessor('p_alive', { header: t('wb.col.pAlive'), cell: (c) => fmt.percent(c.getValue(), 0) }),
        helper.accessor('predicted_clv', {
          header: t('wb.col.clv'),
          cell: (c) => {
            const v = c.getValue();
            return v ? fmt.money(v, 0) : '—';
          },
        }),
        helper.accessor('churn_risk', {
          header: t('wb.col.risk'),
          cell: (c) => {
            const v = c.getValue();
            return v ? <span className={`risk risk-${v}`}>{t(`wb.risk.${v}`)}</span> : '—';
          },
        }),
      ]),
    [t, tk, fmt, staffName],
  );

  const table = useTable({
    features,
    columns,
    data: rows.items,
    getRowId: (row) => String(row.id),
    state: { columnVisibility: visibility },
    onColumnVisibilityChange: (u) => setVisibility(typeof u === 'function' ? u(visibility) : u),
  });

  const sort = query.sort ?? 'id';
  const sortField = sort.replace(/^-/, '');
  const desc = sort.startsWith('-');
  const toggleSort = (field: SortField) => {
    setFilter(
      'sort',
      field === sortField ? (desc ? field : `-${field}`) : field === 'name' ? field : `-${field}`,
    );
  };

  const saveView = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const input = e.currentTarget.elements.namedItem('view-name') as HTMLInputElement | null;
    const name = input?.value.trim();
    if (!name) return;
    const view: SavedView = { name, query: queryKey, columns: visibility };
    setViews([...views.filter((v) => v.name !== name), view]);
    if (input) input.value = '';
  };
  const openView = (name: string) => {
    const v = views.find((x) => x.name === name);
    if (!v) return;
    setVisibility(v.columns);
    navigate(`#/customers${v.query ? `?${v.query}` : ''}`);
  };
  const currentView = views.find((v) => v.query === queryKey)?.name ?? '';

  const hasFilters = Object.keys(query).some((k) => k !== 'sort' && k !== 'q');
  const visibleColumns = table.getVisibleLeafColumns();

  return (
    <div className="customers">
      <search className="search-first">
        <form onSubmit={(e) => e.preventDefault()}>
          <label htmlFor="customer-search" className="visually-hidden">
            {t('search.label')}
          </label>
          <input
            id="customer-search"
            type="search"
            inputMode="search"
            autoComplete="off"
            placeholder={t('search.placeholder')}
            // biome-ignore lint/a11y/noAutofocus: the front desk comes here to type a phone
            autoFocus
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </form>
      </search>
      <PageTitle title={t('cust.title')} focus={false}>
        {t('cust.title')}
      </PageTitle>

      <details className="filters" open={hasFilters || undefined}>
        <summary>{t('cust.filters')}</summary>
        <div className="filter-row">
          <FilterSelect
            id="f-status"
            label={t('f.status')}
            value={query.status ?? ''}
            options={LIFECYCLE_STATUSES.map((s) => [s, t(`status.${s}`)])}
            onChange={(v) => setFilter('status', v)}
          />
          <FilterSelect
            id="f-segment"
            label={t('f.segment')}
            value={query.rfm_segment ?? ''}
            options={RFM_SEGMENTS.map((s) => [s, t(`seg.${s}`)])}
            onChange={(v) => setFilter('rfm_segment', v)}
          />
          <FilterSelect
            id="f-cvm"
            label={t('f.cvm')}
            value={query.cvm_stage ?? ''}
            options={CVM_STAGES.map((s) => [s, t(`cvm.${s}`)])}
            onChange={(v) => setFilter('cvm_stage', v)}
          />
          <FilterSelect
            id="f-manager"
            label={t('f.manager')}
            value={query.manager_id ?? ''}
            options={[
              ['none', t('f.noManager')],
              ...(staff.data?.items ?? []).map((s): [string, string] => [String(s.id), s.name]),
            ]}
            onChange={(v) => setFilter('manager_id', v)}
          />
          <TagFilter value={query.tag ?? ''} onChange={(v) => setFilter('tag', v)} />
          <div className="field">
            <label htmlFor="f-sort">{t('sort.label')}</label>
            <select id="f-sort" value={sort} onChange={(e) => setFilter('sort', e.target.value)}>
              {SORT_FIELDS.flatMap((f) =>
                [f, `-${f}`].map((s) => (
                  <option key={s} value={s}>
                    {t(s.startsWith('-') ? 'sort.desc' : 'sort.asc', {
                      field: t(COLUMN_LABELS[f] ?? 'col.id'),
                    })}
                  </option>
                )),
              )}
            </select>
          </div>
          {hasFilters ? (
            <button
              type="button"
              className="btn btn-quiet"
              onClick={() => navigate(href('/customers', query.q ? { q: query.q } : {}))}
            >
              {t('f.clear')}
            </button>
          ) : null}
        </div>
        <fieldset className="more-filters">
          <legend className="visually-hidden">{t('wb.more')}</legend>
          <div className="filter-grid">
            <FilterSelect
              id="f-r"
              label={t('wb.r')}
              value={query.r ?? ''}
              options={['5', '4', '3', '2', '1'].map((v) => [v, v])}
              onChange={(v) => setFilter('r', v)}
            />
            <FilterSelect
              id="f-f"
              label={t('wb.f')}
              value={query.f ?? ''}
              options={['5', '4', '3', '2', '1'].map((v) => [v, v])}
              onChange={(v) => setFilter('f', v)}
            />
            <FilterSelect
              id="f-risk"
              label={t('wb.churnRisk')}
              value={query.churn_risk ?? ''}
              options={CHURN_RISKS.map((r) => [r, t(`wb.risk.${r}`)])}
              onChange={(v) => setFilter('churn_risk', v)}
            />
            <FilterSelect
              id="f-bmonth"
              label={t('wb.birthdayMonth')}
              value={query.birthday_month ?? ''}
              options={Array.from({ length: 12 }, (_, i) => [
                String(i + 1),
                fmt.month(`2024-${String(i + 1).padStart(2, '0')}`).replace(/\s*\d{4}.*$/, ''),
              ])}
              onChange={(v) => setFilter('birthday_month', v)}
            />
            <TextFilter
              id="f-source"
              label={t('wb.source')}
              value={query.source ?? ''}
              onChange={(v) => setFilter('source', v)}
            />
            <TextFilter
              id="f-category"
              label={t('wb.category')}
              value={query.category ?? ''}
              onChange={(v) => setFilter('category', v)}
            />
            <TextFilter
              id="f-recommended"
              label={t('wb.recommended')}
              value={query.recommended ?? ''}
              onChange={(v) => setFilter('recommended', v)}
            />
            <TextFilter
              id="f-spent-min"
              label={t('wb.spentMin')}
              inputMode="decimal"
              value={query.spent_min ?? ''}
              onChange={(v) => setFilter('spent_min', v.replace(',', '.'))}
            />
            <TextFilter
              id="f-spent-max"
              label={t('wb.spentMax')}
              inputMode="decimal"
              value={query.spent_max ?? ''}
              onChange={(v) => setFilter('spent_max', v.replace(',', '.'))}
            />
            <TextFilter
              id="f-purchases-min"
              label={t('wb.purchasesMin')}
              inputMode="numeric"
              value={query.purchases_min ?? ''}
              onChange={(v) => setFilter('purchases_min', v)}
            />
            <TextFilter
              id="f-purchases-max"
              label={t('wb.purchasesMax')}
              inputMode="numeric"
              value={query.purchases_max ?? ''}
              onChange={(v) => setFilter('purchases_max', v)}
            />
            {(
              [
                ['last_purchase_after', 'wb.lastAfter'],
                ['last_purchase_before', 'wb.lastBefore'],
                ['next_expected_from', 'wb.nextFrom'],
                ['next_expected_to', 'wb.nextTo'],
                ['status_since_from', 'wb.statusSince'],
              ] as const
            ).map(([key, label]) => (
              <div className="field" key={key}>
                <label htmlFor={`f-${key}`}>{t(label)}</label>
                <input
                  id={`f-${key}`}
                  type="date"
                  value={query[key] ?? ''}
                  onChange={(e) => setFilter(key, e.target.value)}
                />
              </div>
            ))}
          </div>
        </fieldset>
      </details>

      <div className="toolbar">
        {segmentId ? (
          <span className="chip" data-testid="segment-filter">
            {t('wb.segmentChip', { name: segment.data?.name ?? `#${segmentId}` })}
            <button
              type="button"
              className="chip-x"
              aria-label={t('wb.removeSegment')}
              onClick={() => setFilter('segment', '')}
            >
              ×
            </button>
          </span>
        ) : null}
        {cell ? (
          <span className="chip" data-testid="cell-filter">
            {t('f.cell', { r: cell.r, f: cell.f })}
            <button
              type="button"
              className="chip-x"
              aria-label={t('f.removeCell')}
              onClick={() => setFilter('r', '')}
            >
              ×
            </button>
          </span>
        ) : null}
        <div className="grow" />
        <div className="field inline views">
          <label htmlFor="views">{t('views.label')}</label>
          <select id="views" value={currentView} onChange={(e) => openView(e.target.value)}>
            <option value="">{t('views.none')}</option>
            {views.map((v) => (
              <option key={v.name} value={v.name}>
                {v.name}
              </option>
            ))}
          </select>
          {currentView ? (
            <button
              type="button"
              className="btn btn-quiet"
              onClick={() => setViews(views.filter((v) => v.name !== currentView))}
            >
              {t('views.delete')}
            </button>
          ) : null}
        </div>
        <form className="field inline save-view" onSubmit={saveView}>
          <label htmlFor="view-name" className="visually-hidden">
            {t('views.name')}
          </label>
          <input id="view-name" name="view-name" placeholder={t('views.name')} size={14} />
          <button type="submit" className="btn">
            {t('views.save')}
          </button>
        </form>
        <button type="button" className="btn" onClick={saveAsSegment}>
          {t('wb.saveSegment')}
        </button>
        <ExportButton query={query} />
        <details className="column-chooser">
          <summary className="btn">{t('cols.choose')}</summary>
          <fieldset>
            <legend className="visually-hidden">{t('cols.choose')}</legend>
            {table.getAllLeafColumns().map((col) => (
              <label key={col.id} className="check">
                <input
                  type="checkbox"
                  checked={col.getIsVisible()}
                  disabled={col.id === 'name'}
                  onChange={(e) => col.toggleVisibility(e.target.checked)}
                />
                {t(COLUMN_LABELS[col.id] ?? 'col.id')}
              </label>
            ))}
          </fieldset>
        </details>
      </div>

      {selected.size > 0 || allMatching ? (
        <BulkBar
          count={allMatching ? (total ?? selected.size) : selected.size}
          allMatching={allMatching}
          canSelectAll={!allMatching && pageSelected && (total ?? 0) > selected.size}
          total={total}
          staff={staff.data?.items ?? []}
          onSelectAll={() => setAllMatching(true)}
          onClear={() => {
            setSelected(new Set());
            setAllMatching(false);
          }}
          target={() => (allMatching ? { filter: filterOnly } : { ids: [...selected] })}
          onDone={() => {
            void fetchPage(null, []);
            setTotalTick((n) => n + 1);
          }}
        />
      ) : null}

      <div className="table-scroll customers-table">
        <table className="data list" aria-describedby="customers-status">
          <thead>
            <tr>
              <th scope="col" className="select-col">
                <input
                  type="checkbox"
                  aria-label={t('wb.selectPage')}
                  checked={pageSelected || allMatching}
                  disabled={pageIds.length === 0}
                  onChange={(e) => {
                    setSelected(e.target.checked ? new Set(pageIds) : new Set());
                    setAllMatching(false);
                  }}
                />
              </th>
              {visibleColumns.map((col) => {
                const field = SORT_OF[col.id];
                const label = t(COLUMN_LABELS[col.id] ?? 'col.id');
                const active = field !== undefined && field === sortField;
                return (
                  <th
                    key={col.id}
                    scope="col"
                    className={NUMERIC.has(col.id) ? 'num' : undefined}
                    aria-sort={active ? (desc ? 'descending' : 'ascending') : undefined}
                  >
                    {field ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={() => toggleSort(field)}
                        title={t('sort.by', { field: label })}
                      >
                        {label}
                        <span aria-hidden="true">{active ? (desc ? ' ↓' : ' ↑') : ''}</span>
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {table.getRowModel().rows.map((row) => (
              <tr
                key={row.id}
                className={selected.has(row.original.id) || allMatching ? 'selected' : undefined}
              >
                <td className="select-col">
                  <input
                    type="checkbox"
                    aria-label={t('wb.select', { name: row.original.name ?? `#${row.original.id}` })}
                    checked={allMatching || selected.has(row.original.id)}
                    onChange={(e) => toggle(row.original.id, e.target.checked)}
                  />
                </td>
                {row.getVisibleCells().map((c) => (
                  <td
                    key={c.id}
                    data-col={c.column.id}
                    data-label={t(COLUMN_LABELS[c.column.id] ?? 'col.id')}
                    className={NUMERIC.has(c.column.id) ? 'num' : undefined}
                  >
                    <table.FlexRender cell={c} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="list-foot" id="customers-status" aria-live="polite">
        {rows.error ? (
          <ErrorBox error={rows.error} retry={() => void fetchPage(rows.cursor, rows.items)} />
        ) : null}
        {rows.loading ? <Loading /> : null}
        {!rows.loading && rows.items.length === 0 && !rows.error ? <p>{t('cust.empty')}</p> : null}
        {rows.items.length > 0 ? (
          <p className="muted" data-testid="list-count">
            {total !== null
              ? t('wb.total', {
                  shown: fmt.number(rows.items.length),
                  total: fmt.number(total),
                  count: total,
                })
              : t('cust.shown', { n: rows.items.length })}
          </p>
        ) : null}
        {!rows.loading && rows.cursor ? (
          <button type="button" className="btn" onClick={() => void fetchPage(rows.cursor, rows.items)}>
            {t('cust.more')}
          </button>
        ) : null}
        {!rows.loading && !rows.cursor && rows.items.length > 0 ? (
          <p className="muted">{t('cust.end')}</p>
        ) : null}
      </div>
    </div>
  );
}

function FilterSelect(props: {
  id: string;
  label: string;
  value: string;
  options: [string, string][];
  onChange(v: string): void;
}) {
  const { t } = useI18n();
  const known = props.value === '' || props.options.some(([v]) => v === props.value);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{t('f.any')}</option>
        {props.options.map(([v, label]) => (
          <option key={v} value={v}>
            {label}
          </option>
        ))}
        {known ? null : (
          <option value={props.value}>
            {props.value
              .split(',')
              .map((v) => props.options.find(([o]) => o === v)?.[1] ?? v)
              .join(', ')}
          </option>
        )}
      </select>
    </div>
  );
}

function TagFilter(props: { value: string; onChange(v: string): void }) {
  const { t } = useI18n();
  const [v, setV] = useState(props.value);
  useEffect(() => setV(props.value), [props.value]);
  return (
    <div className="field">
      <label htmlFor="f-tag">{t('f.tag')}</label>
      <input
        id="f-tag"
        value={v}
        size={10}
        onChange={(e) => setV(e.target.value)}
        onBlur={() => v.trim() !== props.value && props.onChange(v.trim())}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            props.onChange(v.trim());
          }
        }}
      />
    </div>
  );
}

function TextFilter(props: {
  id: string;
  label: string;
  value: string;
  inputMode?: 'decimal' | 'numeric';
  onChange(v: string): void;
}) {
  const [v, setV] = useState(props.value);
  useEffect(() => setV(props.value), [props.value]);
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        value={v}
        size={10}
        inputMode={props.inputMode}
        onChange={(e) => setV(e.target.value)}
        onBlur={() => v.trim() !== props.value && props.onChange(v.trim())}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            props.onChange(v.trim());
          }
        }}
      />
    </div>
  );
}

function ExportButton(props: { query: Record<string, string> }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  return (
    <>
      <button
        type="button"
        className="btn"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await workbench.exportCsv(props.query);
          } catch (e) {
            setError(e instanceof Error ? e : new Error(String(e)));
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? t('wb.exporting') : t('wb.export')}
      </button>
      {error ? <ErrorBox error={error} /> : null}
    </>
  );
}

type BulkAction = 'assign_manager' | 'add_tag' | 'remove_tag';

function BulkBar(props: {
  count: number;
  allMatching: boolean;
  canSelectAll: boolean;
  total: number | null;
  staff: { id: number; name: string }[];
  onSelectAll(): void;
  onClear(): void;
  target(): { ids: number[] } | { filter: Record<string, string> };
  onDone(): void;
}) {
  const { t, fmt } = useI18n();
  const [action, setAction] = useState<BulkAction>('add_tag');
  const [tag, setTag] = useState('');
  const [manager, setManager] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const apply = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await workbench.bulk({
        ...props.target(),
        action,
        ...(action === 'assign_manager'
          ? { manager_id: manager === 'none' ? null : Number(manager) }
          : { tag: tag.trim() }),
      });
      setResult(t('wb.done', { changed: fmt.number(r.changed), matched: fmt.number(r.matched) }));
      props.onDone();
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };
  const ready = action === 'assign_manager' ? manager !== '' : tag.trim() !== '';

  return (
    <section className="bulk-bar" aria-label={t('wb.bulk')}>
      <p className="bulk-count" aria-live="polite">
        {props.allMatching
          ? t('wb.allSelected', {
              total: fmt.number(props.total ?? props.count),
              count: props.total ?? props.count,
            })
          : t('wb.selected', { n: props.count })}
        {props.canSelectAll && props.total !== null ? (
          <button type="button" className="btn btn-quiet" onClick={props.onSelectAll}>
            {t('wb.selectAll', { total: fmt.number(props.total), count: props.total })}
          </button>
        ) : null}
        <button type="button" className="btn btn-quiet" onClick={props.onClear}>
          {t('wb.clearSelection')}
        </button>
      </p>
      <form className="bulk-form" onSubmit={apply}>
        <div className="field">
          <label htmlFor="bulk-action">{t('wb.bulk')}</label>
          <select id="bulk-action" value={action} onChange={(e) => setAction(e.target.value as BulkAction)}>
            <option value="add_tag">{t('wb.addTag')}</option>
            <option value="remove_tag">{t('wb.removeTag')}</option>
            <option value="assign_manager">{t('wb.assign')}</option>
          </select>
        </div>
        {action === 'assign_manager' ? (
          <div className="field">
            <label htmlFor="bulk-manager">{t('wb.assignTo')}</label>
            <select id="bulk-manager" value={manager} onChange={(e) => setManager(e.target.value)}>
              <option value="" />
              {props.staff.map((s) => (
                <option key={s.id} value={String(s.id)}>
                  {s.name}
                </option>
              ))}
              <option value="none">{t('wb.unassign')}</option>
            </select>
          </div>
        ) : (
          <div className="field">
            <label htmlFor="bulk-tag">{t('wb.tagName')}</label>
            <input id="bulk-tag" value={tag} maxLength={100} onChange={(e) => setTag(e.target.value)} />
          </div>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy || !ready}>
          {t('wb.apply')}
        </button>
      </form>
      {result ? (
        <p className="bulk-result" role="status">
          {result}
        </p>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </section>
  );
}
