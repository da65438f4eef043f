import { type Command, InvalidArgumentError, Option } from 'commander';
import { categoryNextByCustomer } from '../../app/analytics/category-next.ts';
import { recomputeWorkspace } from '../../app/analytics/customer-aggregates.ts';
import {
  fitModels,
  predictCustomers,
  riskFromStatus,
  storedPredictions,
} from '../../app/analytics/predict-customers.ts';
import {
  buildReport,
  cohortSummary,
  getTargets,
  listCustomers,
  removeTarget,
  segmentSummary,
  setTarget,
} from '../../app/analytics/read-analytics.ts';
import { refitWorkspace } from '../../app/analytics/refit.ts';
import { todayIn } from '../../app/clock.ts';
import { getSettings } from '../../app/workspace.ts';
import { KPI_KEYS, type Kpis, MONEY_KPIS } from '../../core/analytics/kpis.ts';
import { isDay } from '../../core/day.ts';
import { LIFECYCLE_STATUSES } from '../../core/types.ts';
import { withWorkspace } from '../context.ts';
import { formatTable, log, printJson, printLine } from '../output.ts';
import { refitJson, refitText } from './refit-output.ts';

function parseDay(v: string): string {
  if (!isDay(v)) throw new InvalidArgumentError(`expected a day YYYY-MM-DD, got "${v}"`);
  return v;
}

/** Money in JSON: major units rounded to 2 decimals (PRODUCT.md). */
const money = (cents: number | null) => (cents === null ? null : Math.round(cents) / 100);

function kpisJson(k: Kpis): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const key of KPI_KEYS) {
    const v = k[key];
    out[key] = MONEY_KPIS.has(key) ? money(v) : v;
  }
  return out;
}

function fmtNumber(v: number | null, digits = 2): string {
  return v === null
    ? '—'
    : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function fmtKpi(key: keyof Kpis, v: number | null): string {
  if (v === null) return '—';
  if (MONEY_KPIS.has(key)) return fmtNumber(v / 100, 2);
  if (key.includes('share') || key.includes('rate')) return `${(v * 100).toFixed(1)} %`;
  return fmtNumber(v, 3);
}

async function asOfFor(given: string | undefined, db: Parameters<typeof getSettings>[0], ws: number) {
  const settings = await getSettings(db, ws);
  return { settings, asOf: given ?? todayIn(settings.timezone) };
}

export function registerAnalyticsCommands(program: Command): void {
  program
    .command('report')
    .description('the KPI table for the period [from, to): primary vs repeat sales, frequency, AOV, LTV')
    .requiredOption('--from <day>', 'first day of the period', parseDay)
    .requiredOption('--to <day>', 'the day after the period (exclusive)', parseDay)
    .option('--as-of <day>', 'count only purchases up to this day (default: today)', parseDay)
    .addOption(new Option('--by <bucket>', 'also a trend by month').choices(['month']))
    .option('--json', 'print JSON')
    .action(
      async (
        opts: { from: string; to: string; asOf?: string; by?: 'month'; json?: boolean },
        cmd: Command,
      ) => {
        await withWorkspace(cmd, async (ws) => {
          const { settings, asOf } = await asOfFor(opts.asOf, ws.db, ws.workspaceId);
          const r = await buildReport(ws.db, ws.workspaceId, {
            from: opts.from,
            to: opts.to,
            asOf,
            settings,
            byMonth: opts.by === 'month',
          });
          if (opts.json) {
            printJson({
              from: r.from,
              to: r.to,
              ...kpisJson(r.kpis),
              as_of: r.asOf,
              anonymous_orders: r.anonymous.orders,
              anonymous_revenue: money(r.anonymous.revenueCents),
              ltv: {
                ltv: money(r.ltv.ltv),
                ac: money(r.ltv.ac),
                n: r.ltv.n,
                p: r.ltv.p,
                p_source: r.ltv.pSource,
                t: r.ltv.t,
                monthly_churn: r.ltv.churn,
                months: r.ltv.months,
              },
              targets: r.targets.map((t) => ({
                metric: t.metric,
                target: t.target,
                actual: MONEY_KPIS.has(t.metric) ? money(t.actual) : t.actual,
                deadline: t.deadline,
                state: t.state,
                gap: t.gap,
                days_left: t.daysLeft,
              })),
              ...(r.trend
                ? {
                    trend: r.trend.map((p) => ({
                      month: p.month,
                      from: p.from,
                      to: p.to,
                      ...kpisJson(p.kpis),
                    })),
                  }
                : {}),
            });
            return;
          }
          printLine(`Report for [${r.from}, ${r.to}) as of ${r.asOf} (${settings.currency})`);
          printLine(
            formatTable(
              ['metric', 'value'],
              KPI_KEYS.map((k) => [k, fmtKpi(k, r.kpis[k])]),
            ),
          );
          printLine('');
          const l = r.ltv;
          printLine(
            `LTV = AC × N × P × T = ${fmtNumber(l.ac === null ? null : l.ac / 100)} × ${fmtNumber(l.n, 3)} × ${fmtNumber(l.p, 3)} (${l.pSource}) × ${fmtNumber(l.t, 1)} months = ${fmtNumber(l.ltv === null ? null : l.ltv / 100)}`,
          );
          printLine(
            `  monthly churn ${l.churn === null ? '—' : `${(l.churn * 100).toFixed(2)} %`} over ${fmtNumber(l.months, 1)} months`,
          );
          if (r.anonymous.orders > 0) {
            printLine(
              `  plus ${r.anonymous.orders} anonymous sales (${fmtNumber(r.anonymous.revenueCents / 100)}), not in customer metrics`,
            );
          }
          if (r.targets.length > 0) {
            printLine('\nTargets:');
            printLine(
              formatTable(
                ['metric', 'target', 'actual', 'by', 'state'],
                r.targets.map((t) => [
                  t.metric,
                  fmtKpi(t.metric, t.target),
                  fmtKpi(t.metric, t.actual),
                  t.deadline,
                  t.state,
                ]),
              ),
            );
          }
          if (r.trend) {
            printLine('\nBy month:');
            printLine(
              formatTable(
                [
                  'month',
                  'orders',
                  'revenue',
                  'repeat share (orders)',
                  'repeat share (revenue)',
                  'customers',
                  'new',
                ],
                r.trend.map((p) => [
                  p.month,
                  p.kpis.orders,
                  fmtKpi('revenue', p.kpis.revenue),
                  fmtKpi('repeat_share_orders', p.kpis.repeat_share_orders),
                  fmtKpi('repeat_share_revenue', p.kpis.repeat_share_revenue),
                  p.kpis.unique_customers,
                  p.kpis.new_customers,
                ]),
              ),
            );
          }
        });
      },
    );

  program
    .command('customers')
    .description('one row per customer: status, cycle, next expected purchase, RFM')
    .option('--as-of <day>', 'evaluate as of this day (default: today)', parseDay)
    .option('--json', 'print JSON')
    .action(async (opts: { asOf?: string; json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const { settings, asOf } = await asOfFor(opts.asOf, ws.db, ws.workspaceId);
        const rows = await listCustomers(ws.db, ws.workspaceId, asOf, settings);
        // The nightly refit's figures when they are for this very day; else fit now.
        const stored = await storedPredictions(ws.db, ws.workspaceId, asOf);
        const predicted = stored
          ? { fit: stored.fit, byCustomer: stored.byCustomer }
          : await predictCustomers(ws.db, ws.workspaceId, asOf, settings);
        const byCategory = await categoryNextByCustomer(ws.db, ws.workspaceId, asOf);
        if (!predicted.byCustomer) {
          log(
            `predictions: too little repeat data for BG/NBD (${predicted.fit.bgnbd.reason ?? predicted.fit.gamma_gamma.reason}); churn risk comes from the lifecycle status`,
          );
        }
        const prediction = (id: number, status: Parameters<typeof riskFromStatus>[0]) => {
          const p = predicted.byCustomer?.get(id);
          if (predicted.byCustomer === null || !p || p.pAlive === null) {
            return {
              p_alive: null,
              expected_purchases_90d: null,
              predicted_clv: null,
              churn_risk: riskFromStatus(status),
              prediction_source: 'cycle_rules',
            };
          }
          return {
            p_alive: p.pAlive,
            expected_purchases_90d: p.expectedPurchases90d,
            predicted_clv: money(p.predictedClvCents),
            churn_risk:
              p.pAlive === null
                ? riskFromStatus(status)
                : p.pAlive >= 0.7
                  ? 'low'
                  : p.pAlive >= 0.3
                    ? 'medium'
                    : 'high',
            prediction_source: 'bgnbd',
          };
        };
        if (opts.json) {
          printJson(
            rows.map((c) => ({
              id: c.id,
              external_id: c.externalId,
              name: c.name,
              phone: c.phone,
              email: c.email,
              status: c.agg.status,
              manual_status: c.agg.manualStatus,
              cycle_days: c.agg.cycle,
              next_expected_on: c.agg.nextExpectedDay,
              r: c.agg.rScore,
              f: c.agg.fScore,
              m: c.agg.mScore,
              rfm_segment: c.agg.segment,
              cvm_stage: c.agg.cvm,
              recency_days: c.agg.recencyDays,
              purchases: c.agg.purchases,
              purchase_days: c.agg.purchaseDays,
              revenue: money(c.agg.revenueCents),
              first_purchase_on: c.agg.firstPurchaseDay,
              last_purchase_on: c.agg.lastPurchaseDay,
              ...prediction(c.id, c.agg.status),
              recommended: stored?.recommendations.get(c.id) ?? [],
              next_by_category: (byCategory.get(c.id) ?? []).map((k) => ({
                category: k.category,
                cycle_days: k.cycle,
                cycle_source: k.source,
                last_purchase_on: k.lastDay,
                next_expected_on: k.nextExpectedDay,
              })),
            })),
          );
          return;
        }
        printLine(
          formatTable(
            [
              'id',
              'name',
              'phone',
              'status',
              'cycle',
              'next',
              'R',
              'F',
              'M',
              'segment',
              'purchases',
              'revenue',
            ],
            rows.map((c) => [
              c.id,
              c.name,
              c.phone ?? c.email,
              c.agg.status,
              c.agg.cycle === null ? null : fmtNumber(c.agg.cycle, 1),
              c.agg.nextExpectedDay,
              c.agg.rScore,
              c.agg.fScore,
              c.agg.mScore,
              c.agg.segment,
              c.agg.purchases,
              fmtNumber(c.agg.revenueCents / 100),
              ((p) => (p.p_alive === null ? '—' : p.p_alive.toFixed(2)))(prediction(c.id, c.agg.status)),
              prediction(c.id, c.agg.status).churn_risk,
            ]),
          ),
        );
      });
    });

  program
    .command('segments')
    .description('customer counts by lifecycle status, RFM segment and CVM stage')
    .option('--as-of <day>', 'evaluate as of this day (default: today)', parseDay)
    .option('--json', 'print JSON')
    .action(async (opts: { asOf?: string; json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const { settings, asOf } = await asOfFor(opts.asOf, ws.db, ws.workspaceId);
        const s = await segmentSummary(ws.db, ws.workspaceId, asOf, settings);
        if (opts.json) {
          printJson({
            status: s.status,
            rfm: s.rfm,
            cvm: s.cvm,
            as_of: s.asOf,
            workspace_cycle_days: s.workspaceCycle,
          });
          return;
        }
        printLine(
          `Segments as of ${s.asOf} (workspace cycle ${s.workspaceCycle === null ? '—' : `${s.workspaceCycle} days`})`,
        );
        printLine(
          formatTable(
            ['status', 'customers'],
            LIFECYCLE_STATUSES.map((k) => [k, s.status[k]]),
          ),
        );
        printLine('');
        printLine(
          formatTable(
            ['RFM segment', 'customers'],
            Object.entries(s.rfm).map(([k, v]) => [k, v]),
          ),
        );
        printLine('');
        printLine(
          formatTable(
            ['CVM stage', 'customers'],
            Object.entries(s.cvm).map(([k, v]) => [k, v]),
          ),
        );
      });
    });

  program
    .command('cohorts')
    .description('retention by month of first purchase, monthly churn, per-category cycles')
    .option('--as-of <day>', 'evaluate as of this day (default: today)', parseDay)
    .option('--json', 'print JSON')
    .action(async (opts: { asOf?: string; json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const { settings, asOf } = await asOfFor(opts.asOf, ws.db, ws.workspaceId);
        const c = await cohortSummary(ws.db, ws.workspaceId, asOf, settings);
        if (opts.json) {
          printJson({
            as_of: c.asOf,
            cohorts: c.cohorts,
            monthly_churn: c.churn,
            average_monthly_churn: c.averageChurn,
            category_cycles: c.categoryCycles,
          });
          return;
        }
        const width = Math.min(13, Math.max(0, ...c.cohorts.map((r) => r.shares.length)));
        printLine(
          `Cohort retention as of ${c.asOf}: share of each first-purchase month buying again in month k`,
        );
        printLine(
          formatTable(
            ['cohort', 'customers', ...Array.from({ length: width }, (_, k) => `m${k}`)],
            c.cohorts.map((r) => [
              r.cohort,
              r.customers,
              ...Array.from({ length: width }, (_, k) =>
                r.shares[k] === undefined ? '' : `${(r.shares[k]! * 100).toFixed(0)}%`,
              ),
            ]),
          ),
        );
        if (c.categoryCycles.length > 0) {
          printLine('\nPurchase cycle by category (median days between purchases):');
          printLine(
            formatTable(
              ['category', 'cycle', 'customers'],
              c.categoryCycles.map((k) => [
                k.category,
                k.cycle === null ? '—' : fmtNumber(k.cycle, 1),
                k.customers,
              ]),
            ),
          );
        }
      });
    });

  program
    .command('recompute')
    .description(
      'refresh statuses, scores and cycles of every customer as of today (what the daily job does)',
    )
    .option('--as-of <day>', 'evaluate as of this day instead of today', parseDay)
    .option('--json', 'print JSON')
    .action(async (opts: { asOf?: string; json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const { settings, asOf } = await asOfFor(opts.asOf, ws.db, ws.workspaceId);
        const started = Date.now();
        const r = await recomputeWorkspace(ws.db, ws.workspaceId, asOf, settings);
        const ms = Date.now() - started;
        if (opts.json) {
          printJson({
            as_of: r.asOf,
            customers: r.customers,
            customers_with_purchases: r.withPurchases,
            workspace_cycle_days: r.workspaceCycle,
            workspace_cycle_source: r.workspaceCycleSource,
            status_changes: r.statusChanges,
            ms,
          });
        } else {
          printLine(
            `Recomputed ${r.customers} customers as of ${r.asOf} in ${ms} ms: ${r.statusChanges} status changes; workspace cycle ${r.workspaceCycle ?? '—'} days (${r.workspaceCycleSource})`,
          );
        }
      });
    });

  program
    .command('model')
    .description('fit BG/NBD and Gamma-Gamma on purchases up to the as-of day (predicted activity and spend)')
    .option('--as-of <day>', 'calibration end, inclusive (default: today)', parseDay)
    .addOption(
      new Option('--time-unit <unit>', 'time unit of the fit').choices(['day', 'week']).default('day'),
    )
    .option('--refit', 'refit and store the predictions and recommendations now (what the nightly job does)')
    .option('--json', 'print JSON')
    .action(
      async (
        opts: { asOf?: string; timeUnit: 'day' | 'week'; refit?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        await withWorkspace(cmd, async (ws) => {
          const { asOf, settings } = await asOfFor(opts.asOf, ws.db, ws.workspaceId);
          if (opts.refit) {
            const r = await refitWorkspace(ws.db, ws.workspaceId, asOf, settings);
            if (opts.json) printJson(refitJson(r));
            else printLine(refitText(r));
            return;
          }
          const m = await fitModels(ws.db, ws.workspaceId, { asOf, unit: opts.timeUnit });
          if (opts.json) {
            printJson({ bgnbd: m.bgnbd, gamma_gamma: m.gamma_gamma, as_of: m.asOf, time_unit: m.unit });
            return;
          }
          const f = (v: number | null, se?: number) =>
            v === null ? '—' : `${v.toFixed(4)}${se === undefined ? '' : ` ± ${(1.96 * se).toFixed(4)}`}`;
          const se = m.bgnbd.standard_errors;
          printLine(
            `BG/NBD on ${m.bgnbd.customers} customers (${m.bgnbd.repeat_customers} with repeat purchases), as of ${m.asOf}, time unit ${m.unit}`,
          );
          printLine(
            `  r = ${f(m.bgnbd.r, se?.r)}, α = ${f(m.bgnbd.alpha, se?.alpha)}, a = ${f(m.bgnbd.a, se?.a)}, b = ${f(m.bgnbd.b, se?.b)}  (95 % intervals)`,
          );
          printLine(
            `  log-likelihood ${f(m.bgnbd.log_likelihood)}${m.bgnbd.usable ? '' : ` — not used: ${m.bgnbd.reason}`}`,
          );
          printLine(
            `Gamma-Gamma on ${m.gamma_gamma.customers} repeat customers: p = ${f(m.gamma_gamma.p)}, q = ${f(m.gamma_gamma.q)}, γ = ${f(m.gamma_gamma.gamma)}${m.gamma_gamma.usable ? '' : ` — not used: ${m.gamma_gamma.reason}`}`,
          );
        });
      },
    );

  const targets = program.command('targets').description('KPI targets with a deadline, shown by `report`');
  targets
    .command('set <metric> <value>')
    .description(
      `set a target, e.g. "targets set repeat_share_revenue 0.6 --by 2027-06-30" (${KPI_KEYS.join(', ')})`,
    )
    .requiredOption('--by <day>', 'deadline', parseDay)
    .option('--json', 'print JSON')
    .action(async (metric: string, value: string, opts: { by: string; json?: boolean }, cmd: Command) => {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
      await withWorkspace(cmd, async (ws) => {
        // Money targets are typed in major units (like the report shows them).
        const stored = await setTarget(
          ws.db,
          ws.workspaceId,
          metric,
          MONEY_KPIS.has(metric as keyof Kpis) ? n * 100 : n,
          opts.by,
        );
        if (opts.json) printJson(stored);
        else printLine(`target ${metric} ≥ ${value} by ${opts.by}`);
      });
    });
  targets
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        const list = (await getTargets(ws.db, ws.workspaceId)).map((t) => ({
          ...t,
          value: MONEY_KPIS.has(t.metric as keyof Kpis) ? t.value / 100 : t.value,
        }));
        if (opts.json) printJson(list);
        else
          printLine(
            formatTable(
              ['metric', 'target', 'by'],
              list.map((t) => [t.metric, t.value, t.deadline]),
            ),
          );
      });
    });
  targets
    .command('remove <metric>')
    .requiredOption('--by <day>', 'deadline of the target to remove', parseDay)
    .action(async (metric: string, opts: { by: string }, cmd: Command) => {
      await withWorkspace(cmd, async (ws) => {
        await removeTarget(ws.db, ws.workspaceId, metric, opts.by);
        printLine(`removed target ${metric} by ${opts.by}`);
      });
    });
}
