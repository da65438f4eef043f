/**
 * The customer card's prediction: P(alive), expected purchases in 90 days, predicted CLV, churn
 * risk — or, when the model could not be trusted, an honest fallback text with the reason — and
 * the next services to offer ("offer next: massage"), each a link to the customers who are
 * recommended the same. Figures come with the card (GET /api/customers/{id}).
 */
import type { CustomerPrediction, CustomerRecommendation } from '../../api-predict.ts';
import { customersHref } from '../../api-predict.ts';
import { useI18n } from '../../i18n.tsx';
import type { MessageKey } from '../../messages.ts';
import '../../styles/predict.css';

export function PredictionPanel(props: {
  customerId: number;
  prediction?: CustomerPrediction | null | undefined;
  recommendations?: CustomerRecommendation[] | undefined;
}) {
  const { t, fmt } = useI18n();
  const p = props.prediction ?? null;
  const recs = props.recommendations ?? [];
  return (
    <section className="card predict-panel" aria-labelledby={`predict-title-${props.customerId}`}>
      <h2 id={`predict-title-${props.customerId}`} className="card-title">
        {t('predict.title')}
        {p ? (
          <span className="muted small predict-asof">{t('predict.asOf', { day: fmt.day(p.as_of) })}</span>
        ) : null}
      </h2>
      {p === null ? (
        <p className="muted">{t('predict.none')}</p>
      ) : (
        <>
          <dl className="facts predict-facts">
            <div className="fact">
              <dt>{t('predict.churnRisk')}</dt>
              <dd>
                <span className={`predict-risk predict-risk-${p.churn_risk}`}>
                  {t(`predict.risk.${p.churn_risk}` as MessageKey)}
                </span>
              </dd>
            </div>
            {p.source === 'model' ? (
              <>
                <div className="fact">
                  <dt>{t('predict.pAlive')}</dt>
                  <dd>
                    <meter
                      className="predict-meter"
                      min={0}
                      max={1}
                      low={0.3}
                      high={0.7}
                      optimum={1}
                      value={p.p_alive ?? 0}
                    />{' '}
                    {fmt.percent(p.p_alive, 0)}
                  </dd>
                </div>
                <div className="fact">
                  <dt>{t('predict.expected90d')}</dt>
                  <dd>{fmt.number(p.expected_purchases_90d, 2)}</dd>
                </div>
                {p.clv ? (
                  <div className="fact">
                    <dt>{t('predict.clv')}</dt>
                    <dd>
                      <strong>{fmt.money(p.clv, 0)}</strong>
                    </dd>
                  </div>
                ) : null}
                {p.expected_revenue_90d ? (
                  <div className="fact">
                    <dt>{t('predict.revenue90d')}</dt>
                    <dd>{fmt.money(p.expected_revenue_90d, 0)}</dd>
                  </div>
                ) : null}
              </>
            ) : null}
          </dl>
          {p.source === 'rules' ? <p className="muted small">{t('predict.rules')}</p> : null}
          {p.source === 'model' && p.clv === null ? (
            <p className="muted small">{t('predict.noClv')}</p>
          ) : null}
          {p.fallback_reason ? (
            <p className="muted small">{t('predict.reason', { reason: p.fallback_reason })}</p>
          ) : null}
        </>
      )}
      <h3 className="sub-title">{t('predict.offerNext')}</h3>
      {recs.length === 0 ? (
        <p className="muted small">{t('predict.noRecs')}</p>
      ) : (
        <ul className="predict-recs">
          {recs.map((r) => (
            <li key={r.item}>
              <a
                href={customersHref({ recommended: r.item })}
                title={t('predict.recommendedLink', { item: r.item })}
                className="predict-rec"
              >
                {r.item}
              </a>
              <span className="muted small">{r.score > 0 ? t('predict.because') : t('predict.popular')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
