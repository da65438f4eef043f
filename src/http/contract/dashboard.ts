/** The dashboard's periods, shared with the server's warm-up (see src/core/dashboard-periods.ts). */
export {
  DASHBOARD_MONTHS,
  type DashboardMonths,
  type DashboardPeriods,
  DEFAULT_DASHBOARD_MONTHS,
  dashboardPeriods,
} from '../../core/dashboard-periods.ts';
