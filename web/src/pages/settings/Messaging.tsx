/**
 * Settings → Messaging: the cascade (the order channels are tried after the customer's own
 * one; reordered with the Up/Down buttons, so it works from the keyboard and on a phone), the
 * contact budget (caps per period across every campaign, by purpose and by channel), quiet
 * hours in each customer's time zone, and the cost ceiling per message.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../../api.ts';
import {
  type CapRule,
  MESSAGE_CHANNELS,
  type MessageChannel,
  type MessagingSettings,
  messagingApi,
} from '../../api-messaging.ts';
import { SettingsTabs } from '../../components/SettingsTabs.tsx';
import { ErrorBox, Loading, PageTitle } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { Route } from '../../router.ts';
import '../../styles/messaging.css';

export function MessagingSettingsPage(_props: { route: Route }) {
  const { t } = useI18n();
  const loaded = useLoad((signal) => messagingApi.settings({ signal }), []);
  return (
    <div className="settings messaging">
      <PageTitle title={t('msg.settings.title')}>{t('msg.settings.title')}</PageTitle>
      <SettingsTabs />
      {loaded.error ? <ErrorBox error={loaded.error} retry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data ? <SettingsForm initial={loaded.data} /> : null}
    </div>
  );
}

interface CapForm {
  purpose: '' | 'marketing' | 'transactional' | 'any';
  channel: '' | MessageChannel;
  max: string;
  perDays: string;
}

function SettingsForm(props: { initial: MessagingSettings }) {
  const { t, tk, fmt } = useI18n();
  const [cascade, setCascade] = useState<MessageChannel[]>(props.initial.cascade);
  const [caps, setCaps] = useState<CapForm[]>(() =>
    props.initial.budget.caps.map((c) => ({
      purpose: c.purpose ?? '',
      channel: c.channel ?? '',
      max: String(c.max),
      perDays: String(c.perDays),
    })),
  );
  const [quiet, setQuiet] = useState(props.initial.budget.quietHours ?? { from: '21:00', to: '09:00' });
  const [quietOn, setQuietOn] = useState(props.initial.budget.quietHours !== null);
  const [ceiling, setCeiling] = useState(
    props.initial.maxCostMinor === null ? '' : (props.initial.maxCostMinor / 100).toFixed(2),
  );
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const [focusAfterMove, setFocusAfterMove] = useState<string | null>(null);

  useEffect(() => {
    if (focusAfterMove) {
      document.getElementById(focusAfterMove)?.focus();
      setFocusAfterMove(null);
    }
  }, [focusAfterMove]);

  const move = (i: number, by: -1 | 1) => {
    const j = i + by;
    if (j < 0 || j >= cascade.length) return;
    const next = [...cascade];
    [next[i], next[j]] = [next[j]!, next[i]!];
    setCascade(next);
    const ch = next[j]!;
    setAnnounce(t('msg.settings.moved', { channel: tk(`msg.ch.${ch}`, ch), position: j + 1 }));
    // Keep the focus on the same button of the moved channel, or its twin when at an end.
    const dir = by < 0 ? 'up' : 'down';
    const atEnd = (by < 0 && j === 0) || (by > 0 && j === next.length - 1);
    setFocusAfterMove(`cascade-${ch}-${atEnd ? (dir === 'up' ? 'down' : 'up') : dir}`);
  };
  const excluded = MESSAGE_CHANNELS.filter((c) => !cascade.includes(c));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    setError(null);
    try {
      const rules: CapRule[] = caps.map((c) => ({
        ...(c.purpose ? { purpose: c.purpose } : {}),
        ...(c.channel ? { channel: c.channel } : {}),
        max: Number(c.max),
        perDays: Number(c.perDays),
      }));
      const cost = ceiling.trim().replace(',', '.');
      await messagingApi.saveSettings({
        cascade,
        budget: { caps: rules, quietHours: quietOn ? quiet : null },
        maxCostMinor: cost === '' ? null : Math.round(Number(cost) * 100),
      });
      setSaved(true);
    } catch (err) {
      setError(err instanceof ApiError || err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="messaging-settings">
      <section className="card" aria-labelledby="cascade-title">
        <h2 id="cascade-title" className="card-title">
          {t('msg.settings.cascade')}
        </h2>
        <p className="muted">{t('msg.settings.cascadeHint')}</p>
        <ol className="cascade-list">
          {cascade.map((ch, i) => (
            <li key={ch} className="cascade-item">
              <span className="step-n">{i + 1}</span>
              <span className="grow">{tk(`msg.ch.${ch}`, ch)}</span>
              <button
                type="button"
                id={`cascade-${ch}-up`}
                className="btn btn-quiet"
                disabled={i === 0}
                aria-label={t('msg.settings.up', { channel: tk(`msg.ch.${ch}`, ch) })}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                id={`cascade-${ch}-down`}
                className="btn btn-quiet"
                disabled={i === cascade.length - 1}
                aria-label={t('msg.settings.down', { channel: tk(`msg.ch.${ch}`, ch) })}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                className="btn btn-quiet"
                aria-label={t('msg.settings.drop', { channel: tk(`msg.ch.${ch}`, ch) })}
                onClick={() => setCascade(cascade.filter((c) => c !== ch))}
              >
                ✕
              </button>
            </li>
          ))}
        </ol>
        {excluded.length > 0 ? (
          <p className="chips-line">
            <span className="muted">{t('msg.settings.notInCascade')}</span>{' '}
            {excluded.map((ch) => (
              <button
                key={ch}
                type="button"
                className="chip"
                aria-label={t('msg.settings.add', { channel: tk(`msg.ch.${ch}`, ch) })}
                onClick={() => setCascade([...cascade, ch])}
              >
                + {tk(`msg.ch.${ch}`, ch)}
              </button>
            ))}
          </p>
        ) : null}
        <p className="visually-hidden" role="status" aria-live="polite">
          {announce}
        </p>
      </section>

      <section className="card" aria-labelledby="caps-title">
        <h2 id="caps-title" className="card-title">
          {t('msg.settings.caps')}
        </h2>
        <p className="muted">{t('msg.settings.capsHint')}</p>
        {caps.length === 0 ? <p className="muted">{t('msg.settings.noCaps')}</p> : null}
        {caps.map((c, i) => {
          const upd = (patch: Partial<CapForm>) =>
            setCaps(caps.map((x, k) => (k === i ? { ...x, ...patch } : x)));
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rules have no identity but their position
            <fieldset key={i} className="cap-row">
              <legend className="visually-hidden">{t('msg.settings.capN', { n: i + 1 })}</legend>
              <div className="field">
                <label htmlFor={`cap-${i}-max`}>{t('msg.settings.capMax')}</label>
                <input
                  id={`cap-${i}-max`}
                  type="number"
                  min={0}
                  required
                  value={c.max}
                  onChange={(e) => upd({ max: e.target.value })}
                />
              </div>
              <div className="field">
                <label htmlFor={`cap-${i}-days`}>{t('msg.settings.capDays')}</label>
                <input
                  id={`cap-${i}-days`}
                  type="number"
                  min={1}
                  required
                  value={c.perDays}
                  onChange={(e) => upd({ perDays: e.target.value })}
                />
              </div>
              <div className="field">
                <label htmlFor={`cap-${i}-purpose`}>{t('msg.settings.capPurpose')}</label>
                <select
                  id={`cap-${i}-purpose`}
                  value={c.purpose}
                  onChange={(e) => upd({ purpose: e.target.value as CapForm['purpose'] })}
                >
                  <option value="">{t('msg.settings.anyPurpose')}</option>
                  <option value="marketing">{t('msg.purpose.marketing')}</option>
                  <option value="transactional">{t('msg.purpose.transactional')}</option>
                </select>
              </div>
              <div className="field">
                <label htmlFor={`cap-${i}-channel`}>{t('msg.settings.capChannel')}</label>
                <select
                  id={`cap-${i}-channel`}
                  value={c.channel}
                  onChange={(e) => upd({ channel: e.target.value as CapForm['channel'] })}
                >
                  <option value="">{t('msg.settings.allChannels')}</option>
                  {MESSAGE_CHANNELS.map((ch) => (
                    <option key={ch} value={ch}>
                      {tk(`msg.ch.${ch}`, ch)}
                    </option>
                  ))}
                </select>
              </div>
              <button
                type="button"
                className="btn btn-quiet"
                aria-label={t('msg.settings.removeCap', { n: i + 1 })}
                onClick={() => setCaps(caps.filter((_, k) => k !== i))}
              >
                ✕
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="btn"
          onClick={() => setCaps([...caps, { purpose: 'marketing', channel: '', max: '2', perDays: '7' }])}
        >
          {t('msg.settings.addCap')}
        </button>
      </section>

      <section className="card" aria-labelledby="quiet-title">
        <h2 id="quiet-title" className="card-title">
          {t('msg.settings.quiet')}
        </h2>
        <label className="check">
          <input type="checkbox" checked={quietOn} onChange={(e) => setQuietOn(e.target.checked)} />
          {t('msg.settings.quietOn')}
        </label>
        {quietOn ? (
          <div className="form-grid">
            <div className="field">
              <label htmlFor="quiet-from">{t('msg.settings.quietFrom')}</label>
              <input
                id="quiet-from"
                type="time"
                required
                value={quiet.from}
                onChange={(e) => setQuiet({ ...quiet, from: e.target.value })}
              />
            </div>
            <div className="field">
              <label htmlFor="quiet-to">{t('msg.settings.quietTo')}</label>
              <input
                id="quiet-to"
                type="time"
                required
                value={quiet.to}
                onChange={(e) => setQuiet({ ...quiet, to: e.target.value })}
              />
            </div>
          </div>
        ) : null}
        <p className="hint">{t('msg.settings.quietHint')}</p>
      </section>

      <section className="card" aria-labelledby="ceiling-title">
        <h2 id="ceiling-title" className="card-title">
          {t('msg.settings.ceiling')}
        </h2>
        <div className="field short-field">
          <label htmlFor="ceiling">{t('msg.settings.ceilingLabel', { currency: fmt.currency })}</label>
          <input
            id="ceiling"
            inputMode="decimal"
            placeholder={t('msg.settings.noCeiling')}
            value={ceiling}
            onChange={(e) => setCeiling(e.target.value)}
          />
        </div>
        <p className="hint">{t('msg.settings.ceilingHint')}</p>
      </section>

      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('msg.save')}
        </button>
        <span role="status" aria-live="polite">
          {saved ? <span className="ok">{t('msg.saved')}</span> : null}
        </span>
        {error ? (
          <span className="field-error" role="alert">
            {error}
          </span>
        ) : null}
      </div>
    </form>
  );
}
