/**
 * The customer card's consent panel: what the ledger allows now per channel × purpose, the
 * ledger itself (source, time, wording version, who recorded it), and grant/withdraw with a
 * confirmation step, since each change is a legal record that is appended, never edited.
 */
import { useState } from 'react';
import { ApiError } from '../../api.ts';
import {
  type ConsentInput,
  MESSAGE_CHANNELS,
  type MessageChannel,
  messagingApi,
} from '../../api-messaging.ts';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import '../../styles/messaging.css';
import { ErrorBox, Loading } from '../ui.tsx';

type Purpose = 'marketing' | 'transactional';
const PURPOSES: Purpose[] = ['marketing', 'transactional'];

export function ConsentPanel(props: { customerId: number }) {
  const { t, tk, fmt } = useI18n();
  const loaded = useLoad((signal) => messagingApi.consents(props.customerId, { signal }), [props.customerId]);
  const [pending, setPending] = useState<{
    channel: MessageChannel;
    purpose: Purpose;
    action: ConsentInput['action'];
  } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);

  // A key without customers:read (or messaging not served) hides the panel rather than failing the card.
  if (loaded.error instanceof ApiError && (loaded.error.status === 403 || loaded.error.status === 404))
    return null;

  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    try {
      await messagingApi.addConsent(props.customerId, { ...pending, source: 'manual' });
      setPending(null);
      loaded.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const items = loaded.data ? [...loaded.data.items].sort((a, b) => b.at.localeCompare(a.at)) : [];
  const shown = showAll ? items : items.slice(0, 8);

  return (
    <section className="card consent-panel" aria-labelledby="consent-title">
      <h2 id="consent-title" className="card-title">
        {t('msg.consent.title')}
      </h2>
      {loaded.error ? <ErrorBox error={loaded.error} retry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data ? (
        <>
          <div className="table-scroll">
            <table className="consent-table">
              <caption className="visually-hidden">{t('msg.consent.stateCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('msg.consent.channel')}</th>
                  {PURPOSES.map((p) => (
                    <th scope="col" key={p}>
                      {t(`msg.purpose.${p}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {MESSAGE_CHANNELS.map((ch) => (
                  <tr key={ch} data-channel={ch}>
                    <th scope="row">{tk(`msg.ch.${ch}`, ch)}</th>
                    {PURPOSES.map((p) => {
                      const allowed = loaded.data?.state[ch]?.[p] ?? false;
                      const label = tk(`msg.ch.${ch}`, ch);
                      return (
                        <td key={p}>
                          <span className={`badge ${allowed ? 'badge-on' : 'badge-off'}`}>
                            {t(allowed ? 'msg.consent.allowed' : 'msg.consent.notAllowed')}
                          </span>{' '}
                          <button
                            type="button"
                            className="btn btn-quiet small"
                            aria-label={t(allowed ? 'msg.consent.withdrawFor' : 'msg.consent.grantFor', {
                              channel: label,
                              purpose: t(`msg.purposeIn.${p}`),
                            })}
                            onClick={() =>
                              setPending({
                                channel: ch,
                                purpose: p,
                                action: allowed ? 'withdrawn' : 'granted',
                              })
                            }
                          >
                            {t(allowed ? 'msg.consent.withdraw' : 'msg.consent.grant')}
                          </button>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="hint">{t('msg.consent.transactionalHint')}</p>
          {pending ? (
            <div className="confirm-box" role="alertdialog" aria-labelledby="consent-confirm">
              <p id="consent-confirm">
                {t(
                  pending.action === 'granted' ? 'msg.consent.confirmGrant' : 'msg.consent.confirmWithdraw',
                  {
                    channel: tk(`msg.ch.${pending.channel}`, pending.channel),
                    purpose: t(`msg.purposeIn.${pending.purpose}`),
                  },
                )}
              </p>
              <div className="form-actions">
                <button type="button" className="btn btn-primary" disabled={busy} onClick={confirm}>
                  {t('msg.consent.confirm')}
                </button>
                <button type="button" className="btn" disabled={busy} onClick={() => setPending(null)}>
                  {t('msg.cancel')}
                </button>
                {error ? (
                  <span className="field-error" role="alert">
                    {error}
                  </span>
                ) : null}
              </div>
            </div>
          ) : null}
          <h3 className="sub-title">{t('msg.consent.ledger')}</h3>
          {items.length === 0 ? (
            <p className="muted">{t('msg.consent.empty')}</p>
          ) : (
            <ol className="consent-ledger">
              {shown.map((e, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: ledger entries are append-only and have no id here
                <li key={i}>
                  <span className={`badge ${e.action === 'granted' ? 'badge-on' : 'badge-off'}`}>
                    {t(e.action === 'granted' ? 'msg.consent.granted' : 'msg.consent.withdrawn')}
                  </span>{' '}
                  {tk(`msg.ch.${e.channel}`, e.channel)} · {t(`msg.purpose.${e.purpose}`)}
                  <span className="muted small">
                    {' '}
                    · {fmt.dateTime(e.at)} · {tk(`msg.source.${e.source}`, e.source)}
                    {e.wordingVersion ? ` · ${t('msg.consent.wording', { version: e.wordingVersion })}` : ''}{' '}
                    · {e.actor}
                  </span>
                </li>
              ))}
            </ol>
          )}
          {items.length > 8 ? (
            <button type="button" className="btn btn-quiet" onClick={() => setShowAll((s) => !s)}>
              {showAll ? t('msg.consent.less') : t('msg.consent.all', { n: items.length })}
            </button>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
