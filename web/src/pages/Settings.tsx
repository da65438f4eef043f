/**
 * Settings: the business profile the numbers depend on — currency, time zone, purchase cycle,
 * lost multiplier, margin, RFM scoring. Only changed keys are sent (PATCH is all or nothing).
 */
import { type FormEvent, useMemo, useState } from 'react';
import { ApiError, api, type Settings } from '../api.ts';
import { LangSwitch } from '../components/LangSwitch.tsx';
import { SettingsTabs } from '../components/SettingsTabs.tsx';
import { PageTitle } from '../components/ui.tsx';
import { useI18n } from '../i18n.tsx';
import { useWorkspace } from '../workspace.tsx';

interface Form {
  business_name: string;
  currency: string;
  timezone: string;
  country: string;
  cycle_days: string;
  lost_multiplier: string;
  margin: string;
  rfm_mode: 'quantile' | 'fixed';
  r: string;
  f: string;
  m: string;
  date_format: Settings['date_format'];
}

function toForm(s: Settings): Form {
  return {
    business_name: s.business_name ?? '',
    currency: s.currency,
    timezone: s.timezone,
    country: s.country,
    cycle_days: s.cycle_days === null ? '' : String(s.cycle_days),
    lost_multiplier: String(s.lost_multiplier),
    margin: String(Math.round(s.margin * 10000) / 100),
    rfm_mode: s.rfm_mode,
    r: s.rfm_thresholds?.r.join(', ') ?? '',
    f: s.rfm_thresholds?.f.join(', ') ?? '',
    m: s.rfm_thresholds?.m.join(', ') ?? '',
    date_format: s.date_format,
  };
}

function num(s: string): number {
  return Number(s.trim().replace(',', '.'));
}

function list(s: string): number[] {
  return s
    .split(/[\s;,]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .map(num);
}

/** The keys that changed, typed as the API wants them. */
function patchOf(before: Settings, f: Form): Partial<Settings> {
  const p: Partial<Settings> = {};
  const name = f.business_name.trim() || null;
  if (name !== before.business_name) p.business_name = name;
  if (f.currency.trim().toUpperCase() !== before.currency) p.currency = f.currency.trim().toUpperCase();
  if (f.timezone.trim() !== before.timezone) p.timezone = f.timezone.trim();
  if (f.country.trim().toUpperCase() !== before.country) p.country = f.country.trim().toUpperCase();
  const cycle = f.cycle_days.trim() === '' ? null : num(f.cycle_days);
  if (cycle !== before.cycle_days) p.cycle_days = cycle;
  if (num(f.lost_multiplier) !== before.lost_multiplier) p.lost_multiplier = num(f.lost_multiplier);
  const margin = Math.round(num(f.margin) * 100) / 10000;
  if (margin !== before.margin) p.margin = margin;
  if (f.rfm_mode !== before.rfm_mode) p.rfm_mode = f.rfm_mode;
  if (f.rfm_mode === 'fixed') {
    const th = { r: list(f.r), f: list(f.f), m: list(f.m) };
    if (JSON.stringify(th) !== JSON.stringify(before.rfm_thresholds)) p.rfm_thresholds = th;
  }
  if (f.date_format !== before.date_format) p.date_format = f.date_format;
  return p;
}

export function SettingsPage() {
  const { t } = useI18n();
  const { settings, setSettings } = useWorkspace();
  const [form, setForm] = useState<Form>(() => toForm(settings));
  const [state, setState] = useState<{
    busy: boolean;
    saved: boolean;
    error: string | null;
    fields: Record<string, string>;
  }>({ busy: false, saved: false, error: null, fields: {} });
  const zones = useMemo(() => {
    try {
      return Intl.supportedValuesOf('timeZone');
    } catch {
      return [];
    }
  }, []);
  const currencies = useMemo(() => {
    try {
      return Intl.supportedValuesOf('currency');
    } catch {
      return ['RUB', 'USD', 'EUR', 'KZT', 'BYN'];
    }
  }, []);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setState((s) => ({ ...s, saved: false }));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const patch = patchOf(settings, form);
    if (Object.keys(patch).length === 0) {
      setState({ busy: false, saved: true, error: null, fields: {} });
      return;
    }
    setState({ busy: true, saved: false, error: null, fields: {} });
    try {
      const next = await api.patchSettings(patch);
      setSettings(next);
      setForm(toForm(next));
      setState({ busy: false, saved: true, error: null, fields: {} });
    } catch (err) {
      setState({
        busy: false,
        saved: false,
        error: err instanceof Error ? err.message : String(err),
        fields: err instanceof ApiError ? err.fieldProblems() : {},
      });
    }
  };

  const problem = (k: string) => state.fields[k];
  const described = (k: string, hint?: string) => {
    const ids = [hint, problem(k) ? `s-${k}-error` : undefined].filter(Boolean).join(' ');
    return {
      ...(ids ? { 'aria-describedby': ids } : {}),
      ...(problem(k) ? { 'aria-invalid': true as const } : {}),
    };
  };
  const err = (k: string) =>
    problem(k) ? (
      <span className="field-error" id={`s-${k}-error`}>
        {problem(k)}
      </span>
    ) : null;

  return (
    <div className="settings">
      <PageTitle title={t('set.title')}>{t('set.title')}</PageTitle>
      <SettingsTabs />
      <form className="card settings-form" onSubmit={submit} aria-labelledby="business-title">
        <h2 id="business-title" className="card-title">
          {t('set.business')}
        </h2>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="s-business_name">{t('set.business_name')}</label>
            <input
              id="s-business_name"
              value={form.business_name}
              onChange={(e) => set('business_name', e.target.value)}
              {...described('business_name')}
            />
            {err('business_name')}
          </div>
          <div className="field">
            <label htmlFor="s-currency">{t('set.currency')}</label>
            <input
              id="s-currency"
              list="currencies"
              maxLength={3}
              value={form.currency}
              onChange={(e) => set('currency', e.target.value.toUpperCase())}
              {...described('currency')}
            />
            <datalist id="currencies">
              {currencies.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
            {err('currency')}
          </div>
          <div className="field">
            <label htmlFor="s-timezone">{t('set.timezone')}</label>
            <input
              id="s-timezone"
              list="zones"
              value={form.timezone}
              onChange={(e) => set('timezone', e.target.value)}
              {...described('timezone')}
            />
            <datalist id="zones">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            {err('timezone')}
          </div>
          <div className="field">
            <label htmlFor="s-country">{t('set.country')}</label>
            <input
              id="s-country"
              maxLength={2}
              value={form.country}
              onChange={(e) => set('country', e.target.value.toUpperCase())}
              {...described('country')}
            />
            {err('country')}
          </div>
          <div className="field">
            <label htmlFor="s-cycle_days">{t('set.cycle_days')}</label>
            <input
              id="s-cycle_days"
              inputMode="decimal"
              value={form.cycle_days}
              onChange={(e) => set('cycle_days', e.target.value)}
              {...described('cycle_days', 's-cycle-hint')}
            />
            <span className="hint" id="s-cycle-hint">
              {t('set.cycleHint')}
            </span>
            {err('cycle_days')}
          </div>
          <div className="field">
            <label htmlFor="s-lost_multiplier">{t('set.lost_multiplier')}</label>
            <input
              id="s-lost_multiplier"
              inputMode="decimal"
              value={form.lost_multiplier}
              onChange={(e) => set('lost_multiplier', e.target.value)}
              {...described('lost_multiplier')}
            />
            {err('lost_multiplier')}
          </div>
          <div className="field">
            <label htmlFor="s-margin">{t('set.margin')}</label>
            <input
              id="s-margin"
              inputMode="decimal"
              value={form.margin}
              onChange={(e) => set('margin', e.target.value)}
              {...described('margin')}
            />
            {err('margin')}
          </div>
          <div className="field">
            <label htmlFor="s-date_format">{t('set.date_format')}</label>
            <select
              id="s-date_format"
              value={form.date_format}
              onChange={(e) => set('date_format', e.target.value as Form['date_format'])}
            >
              <option value="auto">{t('imp.auto')}</option>
              <option value="DD.MM.YYYY">DD.MM.YYYY</option>
              <option value="MM/DD/YYYY">MM/DD/YYYY</option>
              <option value="YYYY-MM-DD">YYYY-MM-DD</option>
            </select>
          </div>
        </div>

        <fieldset className="radio-group">
          <legend>{t('set.rfm_mode')}</legend>
          <label className="check">
            <input
              type="radio"
              name="rfm_mode"
              value="quantile"
              checked={form.rfm_mode === 'quantile'}
              onChange={() => set('rfm_mode', 'quantile')}
            />
            {t('set.rfm.quantile')}
          </label>
          <label className="check">
            <input
              type="radio"
              name="rfm_mode"
              value="fixed"
              checked={form.rfm_mode === 'fixed'}
              onChange={() => set('rfm_mode', 'fixed')}
            />
            {t('set.rfm.fixed')}
          </label>
        </fieldset>
        {form.rfm_mode === 'fixed' ? (
          <fieldset className="thresholds">
            <legend>{t('set.thresholds')}</legend>
            {(['r', 'f', 'm'] as const).map((k) => (
              <div className="field" key={k}>
                <label htmlFor={`s-th-${k}`}>{t(`set.${k}`)}</label>
                <input
                  id={`s-th-${k}`}
                  value={form[k]}
                  placeholder="30, 60, 120, 240"
                  onChange={(e) => set(k, e.target.value)}
                  {...described('rfm_thresholds')}
                />
              </div>
            ))}
            {err('rfm_thresholds')}
          </fieldset>
        ) : null}

        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={state.busy}>
            {state.busy ? t('set.saving') : t('set.save')}
          </button>
          <span aria-live="polite">
            {state.saved ? <span className="ok">{t('set.saved')}</span> : null}
            {state.error && Object.keys(state.fields).length === 0 ? (
              <span className="field-error">{state.error}</span>
            ) : null}
          </span>
        </div>
      </form>

      <section className="card" aria-labelledby="lang-title">
        <h2 id="lang-title" className="card-title">
          {t('lang.label')}
        </h2>
        <p>
          <LangSwitch quiet={false} />
        </p>
      </section>
    </div>
  );
}
