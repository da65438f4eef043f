/** How `model --refit` prints what the refit did. */
import type { RefitResult } from '../../app/analytics/refit.ts';

export function refitJson(r: RefitResult) {
  return {
    as_of: r.asOf,
    usable: r.usable,
    reason: r.reason,
    customers: r.customers,
    model_customers: r.modelCustomers,
    expected_90d: r.expected90d,
    recommendations: {
      kind: r.recommendations.kind,
      customers: r.recommendations.customers,
      min_pair_count: r.recommendations.minPairCount,
    },
    duration_ms: Math.round(r.durationMs),
  };
}

const band = (b: { estimate: number; low: number; high: number } | null, digits: number) =>
  b === null
    ? '—'
    : `${b.estimate.toFixed(digits)} (90 %: ${b.low.toFixed(digits)}–${b.high.toFixed(digits)})`;

export function refitText(r: RefitResult): string {
  const lines = [
    `Refitted ${r.customers} customers as of ${r.asOf} in ${Math.round(r.durationMs)} ms.`,
    r.usable
      ? `  BG/NBD in use for ${r.modelCustomers} customers${r.reason ? `; ${r.reason}` : ''}.`
      : `  Too little data for the model: ${r.reason}. Churn risk comes from the lifecycle status.`,
  ];
  if (r.expected90d) {
    lines.push(`  Expected repeat purchases next 90 days: ${band(r.expected90d.purchases, 1)}`);
    lines.push(`  Expected repeat revenue next 90 days: ${band(r.expected90d.revenue, 2)}`);
  }
  lines.push(
    r.recommendations.kind
      ? `  Recommendations by ${r.recommendations.kind} for ${r.recommendations.customers} customers (pairs need ≥ ${r.recommendations.minPairCount} customers).`
      : '  No recommendations: purchases carry no items or categories.',
  );
  return lines.join('\n');
}
