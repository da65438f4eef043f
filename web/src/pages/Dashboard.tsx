/**
 * Dashboard: the starting point ("точка А") for a period — primary vs repeat sales, the KPI
 * tiles against the previous period, the repeat-share trend, the lifecycle funnel, the RFM map,
 * cohort retention, who to contact today, and the forecast (expected repeat revenue in the next
 * 90 days with its interval, high value at risk), each a click away from the customer list.
 */
import '../styles/predict.css';
import { useMemo, useState } from 'react';
import {
  DASHBOARD_MONTHS,
  type DashboardMonths,
  DEFAULT_DASHBOARD_MONTHS,
  dashboardPeriods,
} from '../../../src/http/contract/dashboard.ts';
import {
  api,
  type CohortReport,
  type CustomerSummary,
  type KpiReport,
  type Kpis,
  LIFECYCLE_STATUSES,
  type Money,
  type SegmentCounts,
  type TrendReport,
} from '../api.ts';
import { customersHref, predictApi } from '../api-predict.ts';
import { heat, PRIMARY_SALES, REPEAT_SALES, STATUS_COLORS } from '../colors.ts';
import { Chart, type ChartOption } from '../components/Chart.tsx';
import { ErrorBox, Loading, PageTitle, StatusBadge } from '../components/ui.tsx';
import { addDays, todayIn } from '../days.ts';
import { useLoad, useStored } from '../hooks.ts';
import { type I18n, useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { href, navigate } from '../router.ts';
import { useWorkspace } from '../workspace.tsx';

/** The RFM segment of every (R, F) cell, PRODUCT.md "Definitions" (R 5 is the top row). */
const RFM_GRID: Record<number, string[]> = {
  5: ['new', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
  4: ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'loyal'],
  3: ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
  2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  1: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
};

export function segmentOfCell(r: number, f: number): string | null {
  return RFM_GRID[r]?.[f - 1] ?? null;
}

export function DashboardPage() {
  const { t, fmt } = useI18n();
  const { settings } = useWorkspace();
  const [stored, setMonths] = useStored<number>('comeback.dashboard.months', DEFAULT_DASHBOARD_MONTHS);
  const months: DashboardMonths = (DASHBOARD_MONTHS as readonly number[]).includes(stored)
    ? (stored as DashboardMonths)
    : DEFAULT_DASHBOARD_MONTHS;

  const today = todayIn(settings.timezone);
  // The server computes these same periods ahead of the first visit (one shared definition).
  const periods = dashboardPeriods(today, months);
  const { from, to } = periods.current;
  const prevFrom = periods.previous.from;
  const { from: trendFrom, to: trendTo } = periods.trend;

  const reports = useLoad(
    (signal) =>
      Promise.all([api.kpis({ from, to }, { signal }), api.kpis({ from: prevFrom, to: from }, { signal })]),
    [from, to, prevFrom],
  );
  const trend = useLoad(
    (signal) => api.trend({ from: trendFrom, to: trendTo }, { signal }),
    [trendFrom, trendTo],
  );
  const segments = useLoad((signal) => api.segments({ signal }), []);
  const cohorts = useLoad((signal) => api.cohorts({ signal }), []);

  const current = reports.data?.[0];
  return (
    <div className="dashboard">
      <PageTitle
        title={t('dash.title')}
        actions={
          <label className="inline-field">
            <span>{t('dash.period')}</span>
            <select value={months} onChange={(e) => setMonths(Number(e.target.value))}>
              {DASHBOARD_MONTHS.map((m) => (
                <option key={m} value={m}>
                  {t(`dash.last${m}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        }
      >
        {t('dash.title')}
      </PageTitle>
      <p
        className="period muted"
        data-testid="period"
        data-from={current?.from ?? from}
        data-to={current?.to ?? to}
        data-as-of={current?.as_of ?? ''}
      >
        {t('dash.starting')}: {t('dash.range', { from: fmt.day(from), to: fmt.day(addDays(to, -1)) })}
        {current ? ` · ${t('dash.asOf', { day: fmt.day(current.as_of) })}` : null}
      </p>

      {reports.error ? <ErrorBox error={reports.error} retry={reports.reload} /> : null}
      {reports.data ? (
        <>
          <KpiTiles current={reports.data[0]} previous={reports.data[1]} months={months} />
          <div className="grid-2">
            <section className="card">
              <PrimaryRepeat report={reports.data[0]} />
            </section>
            <section className="card">
              {trend.data ? (
                <TrendChart trend={trend.data} />
              ) : trend.error ? (
                <ErrorBox error={trend.error} />
              ) : (
                <Loading />
              )}
            </section>
          </div>
        </>
      ) : reports.loading ? (
        <Loading />
      ) : null}

      <PredictionWidgets />

      <div className="grid-2 top">
        <section className="card">
          {segments.data ? (
            <Funnel segments={segments.data} />
          ) : segments.error ? (
            <ErrorBox error={segments.error} retry={segments.reload} />
          ) : (
            <Loading />
          )}
        </section>
        <section className="card" aria-labelledby="rfm-title">
          {segments.data ? <RfmMap segments={segments.data} /> : segments.error ? null : <Loading />}
        </section>
      </div>

      <ContactToday today={today} />

      <section className="card" aria-labelledby="cohorts-title">
        {cohorts.data ? (
          <Cohorts report={cohorts.data} />
        ) : cohorts.error ? (
          <ErrorBox error={cohorts.error} retry={cohorts.reload} />
        ) : (
          <Loading />
        )}
      </section>
    </div>
  );
}

type TileKind = 'count' | 'money' | 'share' | 'ratio';

const TILES: { key: keyof Kpis; kind: TileKind }[] = [
  { key: 'orders', kind: 'count' },
  { key: 'revenue', kind: 'money' },
  { key: 'repeat_share_orders', kind: 'share' },
  { key: 'repeat_share_revenue', kind: 'share' },
  { key: 'repeat_purchase_rate', kind: 'share' },
  { key: 'purchase_frequency', kind: 'ratio' },
  { key: 'aov', kind: 'money' },
  { key: 'customer_value', kind: 'money' },
];

function numeric(v: Kpis[keyof Kpis]): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  return Number((v as Money).amount);
}

function raw(v: Kpis[keyof Kpis]): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  return (v as Money).amount;
}

function formatKpi(i18n: I18n, kind: TileKind, v: Kpis[keyof Kpis]): string {
  const { fmt } = i18n;
  if (v === null || v === undefined) return '—';
  if (kind === 'money') return fmt.money(v as Money, Number((v as Money).amount) >= 1000 ? 0 : 2);
  if (kind === 'share') return fmt.percent(v as number);
  if (kind === 'ratio') return fmt.number(v as number, 2);
  return fmt.number(v as number);
}

/** Change vs the previous period: relative for amounts, percentage points for shares. */
function change(i18n: I18n, kind: TileKind, cur: number | null, prev: number | null) {
  const { t, fmt } = i18n;
  if (cur === null || prev === null) return null;
  if (kind === 'share') {
    const pp = (cur - prev) * 100;
    if (Math.abs(pp) < 0.05) return { dir: 'same' as const, text: t('change.same') };
    return {
      dir: pp > 0 ? ('up' as const) : ('down' as const),
      text: `${fmt.number(Math.abs(pp), 1)} ${t('pp')}`,
    };
  }
  if (prev === 0) return null;
  const rel = (cur - prev) / prev;
  if (Math.abs(rel) < 0.0005) return { dir: 'same' as const, text: t('change.same') };
  return { dir: rel > 0 ? ('up' as const) : ('down' as const), text: fmt.percent(Math.abs(rel)) };
}

function KpiTiles(props: { current: KpiReport; previous: KpiReport; months: number }) {
  const i18n = useI18n();
  const { t, fmt } = i18n;
  const { kpis } = props.current;
  const vsPrev = t('dash.vsPrev', { n: props.months });
  const ltv = props.current.ltv;
  return (
    <>
      <ul className="tiles" aria-label={t('dash.starting')}>
        {TILES.map(({ key, kind }) => {
          const v = kpis[key];
          const c = change(i18n, kind, numeric(v), numeric(props.previous.kpis[key]));
          return (
            <li key={key} className="tile" data-kpi={key} data-value={raw(v)}>
              <span className="tile-label">{t(`kpi.${key}` as MessageKey)}</span>
              <span className="tile-value">{formatKpi(i18n, kind, v)}</span>
              <span className="tile-foot">
                {c ? (
                  <span className={`change ${c.dir}`}>
                    <span aria-hidden="true">
                      {c.dir === 'same'
                        ? c.text
                        : t(c.dir === 'up' ? 'change.up' : 'change.down', { value: c.text })}
                    </span>
                    <span className="visually-hidden">
                      {c.dir === 'same'
                        ? c.text
                        : t(c.dir === 'up' ? 'change.upLabel' : 'change.downLabel', { value: c.text })}
                    </span>
                  </span>
                ) : null}{' '}
                <span className="muted" title={vsPrev}>
                  {t('kpi.prev', { value: formatKpi(i18n, kind, props.previous.kpis[key]) })}
                </span>
              </span>
            </li>
          );
        })}
        <li className="tile tile-wide" data-kpi="ltv" data-value={ltv.ltv?.amount ?? ''}>
          <span className="tile-label">{t('kpi.ltv')}</span>
          <span className="tile-value">{fmt.money(ltv.ltv, 0)}</span>
          <span className="tile-foot muted">
            {t('kpi.ltvFactors', {
              ac: fmt.money(ltv.ac, 0),
              n: fmt.number(ltv.n, 2),
              p: fmt.percent(ltv.p, 0),
              t: fmt.number(ltv.t, 1),
            })}
          </span>
        </li>
      </ul>
      {props.current.anonymous.orders > 0 ? (
        <p className="muted small">
          {t('dash.anonymous', {
            orders: fmt.number(props.current.anonymous.orders),
            revenue: fmt.money(props.current.anonymous.revenue, 0),
          })}
        </p>
      ) : null}
    </>
  );
}

function share(part: number, total: number): number {
  return total > 0 ? part / total : 0;
}

function PrimaryRepeat(props: { report: KpiReport }) {
  const { t, fmt } = useI18n();
  const k = props.report.kpis;
  const revenue = Number(k.revenue.amount);
  const primaryRevenue = Number(k.primary_revenue.amount);
  const repeatRevenue = Number(k.repeat_revenue.amount);
  const option = useMemo<ChartOption>(() => {
    const rows = [t('chart.byOrders'), t('chart.byRevenue')];
    const label = (values: string[]) => ({
      show: true,
      formatter: (p: { dataIndex: number; value: number }) =>
        p.value >= 12 ? `${values[p.dataIndex]}\n${fmt.number(p.value, 0)} %` : '',
      color: '#fff',
      fontSize: 12,
      lineHeight: 15,
    });
    const primaryLabels = [fmt.number(k.primary_orders), fmt.money(k.primary_revenue, 0)];
    const repeatLabels = [fmt.number(k.repeat_orders), fmt.money(k.repeat_revenue, 0)];
    return {
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: number) => `${fmt.number(v, 1)} %`,
      },
      xAxis: { type: 'value', max: 100, interval: 25, axisLabel: { formatter: '{value} %' } },
      yAxis: { type: 'category', data: rows, inverse: true },
      series: [
        {
          name: t('chart.primary'),
          type: 'bar',
          stack: 'all',
          barWidth: 44,
          itemStyle: { color: PRIMARY_SALES },
          label: { ...label(primaryLabels), color: '#14231f' },
          data: [share(k.primary_orders, k.orders) * 100, share(primaryRevenue, revenue) * 100],
        },
        {
          name: t('chart.repeat'),
          type: 'bar',
          stack: 'all',
          itemStyle: { color: REPEAT_SALES },
          label: label(repeatLabels),
          data: [share(k.repeat_orders, k.orders) * 100, share(repeatRevenue, revenue) * 100],
        },
      ],
    };
  }, [k, revenue, primaryRevenue, repeatRevenue, t, fmt]);
  return (
    <Chart
      id="primary-repeat"
      title={t('chart.primaryRepeat')}
      summary={`${t('chart.repeat')}: ${fmt.percent(k.repeat_share_orders)} ${t('chart.byOrders').toLowerCase()}, ${fmt.percent(k.repeat_share_revenue)} ${t('chart.byRevenue').toLowerCase()}`}
      option={option}
      height={200}
      table={{
        head: ['', t('chart.primary'), t('chart.repeat'), t('kpi.orders')],
        rows: [
          [
            t('chart.byOrders'),
            fmt.number(k.primary_orders),
            fmt.number(k.repeat_orders),
            fmt.number(k.orders),
          ],
          [
            t('chart.byRevenue'),
            fmt.money(k.primary_revenue),
            fmt.money(k.repeat_revenue),
            fmt.money(k.revenue),
          ],
          [
            t('chart.share'),
            fmt.percent(k.repeat_share_orders === null ? null : 1 - k.repeat_share_orders),
            fmt.percent(k.repeat_share_orders),
            '',
          ],
        ],
      }}
    />
  );
}

function TrendChart(props: { trend: TrendReport }) {
  const { t, fmt } = useI18n();
  const months = props.trend.months;
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number | null) => (v === null ? '—' : `${fmt.number(v, 1)} %`),
      },
      xAxis: { type: 'category', data: months.map((m) => fmt.month(m.month)), boundaryGap: false },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value} %' } },
      series: [
        {
          name: t('chart.byOrders'),
          type: 'line',
          smooth: true,
          symbolSize: 6,
          itemStyle: { color: REPEAT_SALES },
          data: months.map((m) =>
            m.kpis.repeat_share_orders === null ? null : m.kpis.repeat_share_orders * 100,
          ),
        },
        {
          name: t('chart.byRevenue'),
          type: 'line',
          smooth: true,
          symbolSize: 6,
          lineStyle: { type: 'dashed' },
          itemStyle: { color: '#d9822b' },
          data: months.map((m) =>
            m.kpis.repeat_share_revenue === null ? null : m.kpis.repeat_share_revenue * 100,
          ),
        },
      ],
    }),
    [months, t, fmt],
  );
  const last = months[months.length - 1];
  return (
    <Chart
      id="trend"
      title={t('chart.trend')}
      summary={`${t('chart.trend')}: ${months.length} ${t('chart.month').toLowerCase()}; ${last ? `${fmt.month(last.month)} ${fmt.percent(last.kpis.repeat_share_orders)}` : ''}`}
      option={option}
      height={200}
      table={{
        head: [
          t('chart.month'),
          t('chart.byOrders'),
          t('chart.byRevenue'),
          t('kpi.orders'),
          t('kpi.revenue'),
        ],
        rows: months.map((m) => [
          fmt.month(m.month),
          fmt.percent(m.kpis.repeat_share_orders),
          fmt.percent(m.kpis.repeat_share_revenue),
          fmt.number(m.kpis.orders),
          fmt.money(m.kpis.revenue, 0),
        ]),
      }}
    />
  );
}

function Funnel(props: { segments: SegmentCounts }) {
  const { t, fmt } = useI18n();
  const counts = useMemo(
    () => LIFECYCLE_STATUSES.map((s) => props.segments.status[s] ?? 0),
    [props.segments],
  );
  const total = props.segments.customers;
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'value', show: false },
      yAxis: {
        type: 'category',
        inverse: true,
        data: LIFECYCLE_STATUSES.map((s) => t(`status.${s}`)),
        axisTick: { show: false },
        axisLine: { show: false },
      },
      series: [
        {
          type: 'bar',
          barWidth: 26,
          cursor: 'pointer',
          label: { show: true, position: 'right', formatter: (p: { value: number }) => fmt.number(p.value) },
          data: LIFECYCLE_STATUSES.map((s, i) => ({
            value: counts[i],
            itemStyle: { color: STATUS_COLORS[s] },
          })),
        },
      ],
    }),
    [counts, t, fmt],
  );
  return (
    <Chart
      id="funnel"
      title={t('chart.funnel')}
      summary={LIFECYCLE_STATUSES.map((s, i) => `${t(`status.${s}`)} ${fmt.number(counts[i])}`).join(', ')}
      option={option}
      height={220}
      onItemClick={({ dataIndex }) => {
        const s = LIFECYCLE_STATUSES[dataIndex];
        if (s) navigate(href('/customers', { status: s }));
      }}
      table={{
        head: [t('col.status'), t('chart.customers'), t('chart.share')],
        rows: LIFECYCLE_STATUSES.map((s, i) => [
          <a key={s} href={href('/customers', { status: s })}>
            {t(`status.${s}`)}
          </a>,
          fmt.number(counts[i]),
          fmt.percent(total > 0 ? (counts[i] ?? 0) / total : null),
        ]),
      }}
    />
  );
}

/**
 * The 5×5 RFM map as a table of links: R 5 (most recent) at the top, F 1…5 across; every cell
 * opens Customers filtered by its segment and cell.
 */
function RfmMap(props: { segments: SegmentCounts }) {
  const { t, tk, fmt } = useI18n();
  const grid = props.segments.rfm_grid;
  const cellCount = (r: number, f: number): number => {
    if (grid) return grid.find((c) => c.r === r && c.f === f)?.count ?? 0;
    return props.segments.rfm[segmentOfCell(r, f) ?? ''] ?? 0;
  };
  let max = 0;
  for (const r of [5, 4, 3, 2, 1]) for (const f of [1, 2, 3, 4, 5]) max = Math.max(max, cellCount(r, f));
  return (
    <div className="rfm">
      <h2 id="rfm-title" className="card-title">
        {t('chart.rfm')}
      </h2>
      <p className="muted small">{t('chart.rfmHint')}</p>
      <table className="rfm-grid" aria-labelledby="rfm-title">
        <thead>
          <tr>
            <td />
            {[1, 2, 3, 4, 5].map((f) => (
              <th key={f} scope="col">
                F {f}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[5, 4, 3, 2, 1].map((r) => (
            <tr key={r}>
              <th scope="row">R {r}</th>
              {[1, 2, 3, 4, 5].map((f) => {
                const seg = segmentOfCell(r, f) ?? '';
                const count = cellCount(r, f);
                const label = tk(`seg.${seg}`, seg);
                const style = heat(max > 0 ? count / max : 0);
                return (
                  <td key={f}>
                    <a
                      className="rfm-cell"
                      data-r={r}
                      data-f={f}
                      data-segment={seg}
                      data-count={count}
                      href={href('/customers', { rfm_segment: seg, r, f })}
                      style={style}
                      title={label}
                      aria-label={t('chart.rfmCell', { segment: label, r, f, count: fmt.number(count) })}
                    >
                      <span className="rfm-seg">{label}</span>
                      <span className="rfm-count">{fmt.number(count)}</span>
                    </a>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="rfm-axes muted small" aria-hidden="true">
        <span>↑ {t('rfm.recency')}</span>
        <span>{t('rfm.frequency')} →</span>
      </div>
      {grid ? null : <p className="muted small">{t('chart.rfmPerSegment')}</p>}
    </div>
  );
}

function Cohorts(props: { report: CohortReport }) {
  const { t, fmt } = useI18n();
  const cohorts = props.report.cohorts.slice(-12);
  const width = Math.min(13, Math.max(0, ...cohorts.map((c) => c.shares.length)));
  const offsets = Array.from({ length: width }, (_, k) => k);
  return (
    <div className="cohorts">
      <h2 id="cohorts-title" className="card-title">
        {t('chart.cohorts')}
      </h2>
      {props.report.average_churn !== null ? (
        <p className="muted small">
          {t('cohort.averageChurn', { value: fmt.percent(props.report.average_churn) })}
        </p>
      ) : null}
      <div className="table-scroll">
        <table className="heat" aria-labelledby="cohorts-title">
          <thead>
            <tr>
              <th scope="col">{t('cohort.cohort')}</th>
              <th scope="col" className="num">
                {t('cohort.size')}
              </th>
              {offsets.map((k) => (
                <th key={k} scope="col" className="num">
                  <abbr title={t('cohort.monthLong', { n: k })}>{t('cohort.month', { n: k })}</abbr>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {cohorts.map((c) => (
              <tr key={c.cohort}>
                <th scope="row">{fmt.month(c.cohort)}</th>
                <td className="num">{fmt.number(c.customers)}</td>
                {offsets.map((k) => {
                  const s = c.shares[k];
                  if (s === undefined) return <td key={k} />;
                  // Retention shares are small: scale so 50 % is the darkest.
                  return (
                    <td key={k} className="num heat-cell" style={heat(s * 2)}>
                      {fmt.percent(s, 0)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function ContactToday(props: { today: string }) {
  const { t, fmt } = useI18n();
  // Due within 5 days: the server filters by the next expected day; the total is its count.
  const dueQuery = {
    status: 'newbie,fan',
    next_expected_from: props.today,
    next_expected_to: addDays(props.today, 5),
    sort: 'next_expected_on',
  } as const;
  // Newly sleeping: fell asleep in the last 7 days (the status changed on or after that day).
  const sleepingQuery = {
    status: 'sleeping',
    status_since_from: addDays(props.today, -7),
    sort: '-last_purchase_on',
  } as const;
  const due = useLoad(
    (signal) => api.customers({ ...dueQuery, limit: 6, include_total: 'true' }, { signal }),
    [props.today],
  );
  const sleeping = useLoad(
    (signal) => api.customers({ ...sleepingQuery, limit: 6, include_total: 'true' }, { signal }),
    [props.today],
  );
  return (
    <section className="card contact" aria-labelledby="contact-title">
      <h2 id="contact-title" className="card-title">
        {t('contact.title')}
      </h2>
      <div className="grid-2 tight">
        <div>
          <h3 className="sub-title">
            {t('contact.due')}
            {due.data?.total ? <span className="count">{due.data.total}</span> : null}
          </h3>
          {due.error ? <ErrorBox error={due.error} /> : null}
          {due.loading ? <Loading /> : null}
          {due.data ? (
            <ContactList
              items={due.data.items}
              note={(c) => t('contact.dueOn', { day: fmt.day(c.next_expected_on) })}
              more={(due.data.total ?? 0) > due.data.items.length ? href('/customers', dueQuery) : null}
            />
          ) : null}
        </div>
        <div>
          <h3 className="sub-title">
            {t('contact.sleeping')}
            {sleeping.data?.total ? <span className="count">{sleeping.data.total}</span> : null}
          </h3>
          {sleeping.error ? <ErrorBox error={sleeping.error} /> : null}
          {sleeping.loading ? <Loading /> : null}
          {sleeping.data ? (
            <ContactList
              items={sleeping.data.items}
              note={(c) => t('contact.lastOn', { day: fmt.day(c.last_purchase_on) })}
              more={
                (sleeping.data.total ?? 0) > sleeping.data.items.length
                  ? href('/customers', sleepingQuery)
                  : null
              }
            />
          ) : null}
        </div>
      </div>
    </section>
  );
}

function ContactList(props: {
  items: CustomerSummary[];
  note: (c: CustomerSummary) => string;
  more: string | null;
}) {
  const { t } = useI18n();
  if (props.items.length === 0) return <p className="muted">{t('contact.empty')}</p>;
  return (
    <>
      <ul className="contact-list">
        {props.items.map((c) => (
          <li key={c.id}>
            <a href={href(`/customers/${c.id}`)} className="contact-name">
              {c.name ?? t('cust.noName')}
            </a>
            <StatusBadge status={c.status} />
            <span className="contact-phone">
              {c.phone ? <a href={`tel:${c.phone}`}>{c.phone}</a> : c.email}
            </span>
            <span className="muted small">{props.note(c)}</span>
          </li>
        ))}
      </ul>
      {props.more ? (
        <a className="more-link" href={props.more}>
          {t('contact.all')} →
        </a>
      ) : null}
    </>
  );
}

/**
 * The forecast widgets: expected repeat revenue over the next 90 days (with its 90 % interval
 * when the whole base is shown) and "high value at risk" (churn risk high, with a CLV if still
 * active in the workspace's top fifth), each linking to the customer list filtered and sorted the same way. With too
 * little data they say so, with the reason, instead of showing numbers.
 */
function PredictionWidgets() {
  const { t, fmt } = useI18n();
  const summary = useLoad((signal) => predictApi.summary({ signal }), []);
  const [busy, setBusy] = useState(false);
  const [refitError, setRefitError] = useState<string | null>(null);
  const refit = async () => {
    setBusy(true);
    setRefitError(null);
    try {
      await predictApi.refit();
      summary.reload();
    } catch (e) {
      setRefitError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const s = summary.data;
  const atRiskHref = customersHref({ churn_risk: 'high', sort: 'predicted_clv', dir: 'desc' });
  const valueHref = customersHref({ sort: 'predicted_clv', dir: 'desc' });
  const refitButton = (
    <button type="button" className="secondary" onClick={refit} disabled={busy}>
      {busy ? t('predict.dash.refitting') : t('predict.dash.refit')}
    </button>
  );
  if (summary.error) return <ErrorBox error={summary.error} retry={summary.reload} />;
  if (!s) return summary.loading ? <Loading /> : null;
  if (s.status !== 'model') {
    return (
      <section className="card predict-widgets" aria-label={t('predict.dash.revenue')}>
        <p className="muted">
          {s.status === 'none' ? t('predict.dash.none') : t('predict.dash.rules', { reason: s.reason ?? '' })}
        </p>
        <div className="predict-actions">{refitButton}</div>
        {refitError ? <p className="error small">{refitError}</p> : null}
      </section>
    );
  }
  const rev = s.expected_repeat_revenue_90d;
  const hv = s.high_value_at_risk;
  return (
    <section className="predict-widgets" aria-label={t('predict.dash.revenue')}>
      <ul className="tiles">
        <li className="tile tile-wide">
          <span className="tile-label">{t('predict.dash.revenue')}</span>
          <span className="tile-value">
            <a href={valueHref}>{rev ? fmt.money(rev.estimate, 0) : '—'}</a>
          </span>
          <span className="tile-foot muted">
            {rev?.low && rev.high
              ? t('predict.dash.band', { low: fmt.money(rev.low, 0), high: fmt.money(rev.high, 0) })
              : s.scope === 'manager'
                ? t('predict.dash.noBand')
                : ''}
          </span>
          {s.expected_repeat_purchases_90d ? (
            <span className="tile-foot muted">
              {t('predict.dash.purchases', { n: fmt.number(s.expected_repeat_purchases_90d.estimate, 0) })}
            </span>
          ) : null}
        </li>
        <li className="tile tile-wide">
          <span className="tile-label">{t('predict.dash.atRisk')}</span>
          <span className="tile-value">
            <a href={atRiskHref}>
              {t('predict.dash.atRiskText', {
                count: fmt.number(hv.customers, 0),
                value: fmt.money(hv.value_if_active, 0),
              })}
            </a>
          </span>
          <span className="tile-foot muted">
            {t('predict.dash.atRiskRule', {
              min: hv.min_value_if_active ? fmt.money(hv.min_value_if_active, 0) : '—',
            })}
          </span>
          <span className="tile-foot">
            <a href={atRiskHref}>{t('predict.dash.open')}</a>
          </span>
        </li>
      </ul>
      <div className="predict-actions muted small">
        <span>{s.as_of ? t('predict.dash.fitted', { day: fmt.day(s.as_of) }) : null}</span>
        {s.reason ? (
          // A model note (e.g. bounded dropout), technical: one click away rather than in the way.
          <details>
            <summary>{t('predict.dash.about')}</summary>
            {s.reason}
          </details>
        ) : null}
        {refitButton}
      </div>
      {refitError ? <p className="error small">{refitError}</p> : null}
    </section>
  );
}
