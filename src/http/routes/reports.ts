/** /api/reports, /api/segments, /api/targets. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { countSegments } from '../../app/api/count-segments.ts';
import { reportCohorts, reportKpis } from '../../app/api/read-reports.ts';
import { readTargets, replaceTargets } from '../../app/api/workspace-settings.ts';
import { errors, json, Security } from '../contract/common.ts';
import {
  AsOfQuery,
  CohortReport,
  KpiReport,
  PeriodQuery,
  SegmentCounts,
  TargetList,
  TrendReport,
} from '../contract/reports.ts';
import type { ApiDeps, ApiEnv } from '../env.ts';
import { presentKpis, presentReport } from '../present.ts';

const tags = ['reports'];

const kpis = createRoute({
  method: 'get',
  path: '/api/reports/kpis',
  tags,
  security: Security,
  summary: 'Primary vs repeat sales, frequency, AOV, LTV and targets for [from, to)',
  request: { query: PeriodQuery },
  responses: { 200: json(KpiReport, 'The KPI report'), ...errors(400, 422) },
});

const trend = createRoute({
  method: 'get',
  path: '/api/reports/trend',
  tags,
  security: Security,
  summary: 'The KPIs month by month over [from, to)',
  request: { query: PeriodQuery },
  responses: { 200: json(TrendReport, 'The trend'), ...errors(400, 422) },
});

const cohorts = createRoute({
  method: 'get',
  path: '/api/reports/cohorts',
  tags,
  security: Security,
  summary: 'Retention by month of first purchase, monthly churn, category cycles',
  request: { query: AsOfQuery },
  responses: { 200: json(CohortReport, 'Cohorts'), ...errors(422) },
});

const segments = createRoute({
  method: 'get',
  path: '/api/segments',
  tags: ['segments'],
  security: Security,
  summary: 'Customer counts by lifecycle status, RFM segment and CVM stage',
  responses: { 200: json(SegmentCounts, 'Counts'), ...errors() },
});

const getTargets = createRoute({
  method: 'get',
  path: '/api/targets',
  tags: ['targets'],
  security: Security,
  summary: 'KPI targets',
  responses: { 200: json(TargetList, 'Targets'), ...errors() },
});

const putTargets = createRoute({
  method: 'put',
  path: '/api/targets',
  tags: ['targets'],
  security: Security,
  summary: 'Replace the KPI targets',
  request: { body: { required: true, content: { 'application/json': { schema: TargetList } } } },
  responses: { 200: json(TargetList, 'Targets now'), ...errors(400, 422) },
});

export function registerReportRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { db } = deps;

  app.openapi(kpis, async (c) => {
    const q = c.req.valid('query');
    const r = await reportKpis(db, c.get('principal'), { from: q.from, to: q.to, asOf: q.as_of });
    return c.json(presentReport(r, r.currency), 200);
  });

  app.openapi(trend, async (c) => {
    const q = c.req.valid('query');
    const r = await reportKpis(db, c.get('principal'), { from: q.from, to: q.to, asOf: q.as_of }, true);
    return c.json(
      {
        from: r.from,
        to: r.to,
        as_of: r.asOf,
        months: (r.trend ?? []).map((p) => ({
          month: p.month,
          from: p.from,
          to: p.to,
          kpis: presentKpis(p.kpis, r.currency),
        })),
      },
      200,
    );
  });

  app.openapi(cohorts, async (c) => {
    const q = c.req.valid('query');
    const r = await reportCohorts(db, c.get('principal'), q.as_of);
    return c.json(
      {
        as_of: r.asOf,
        cohorts: r.cohorts,
        churn: r.churn,
        average_churn: r.averageChurn,
        category_cycles: r.categoryCycles,
      },
      200,
    );
  });

  app.openapi(segments, async (c) => {
    const s = await countSegments(db, c.get('principal'));
    return c.json(
      {
        as_of: s.asOf,
        customers: s.customers,
        status: s.status,
        rfm: s.rfm,
        cvm: s.cvm,
        unscored: s.unscored,
        rfm_grid: s.rfmGrid,
      },
      200,
    );
  });

  app.openapi(getTargets, async (c) => {
    const list = await readTargets(db, c.get('principal'));
    return c.json(
      { targets: list.map((t) => ({ metric: t.metric, value: t.value, deadline: t.deadline })) },
      200,
    );
  });

  app.openapi(putTargets, async (c) => {
    const list = await replaceTargets(db, c.get('principal'), c.req.valid('json').targets);
    return c.json(
      { targets: list.map((t) => ({ metric: t.metric, value: t.value, deadline: t.deadline })) },
      200,
    );
  });
}
