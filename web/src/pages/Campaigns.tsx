/**
 * Campaigns: the list (#/campaigns), the builder (#/campaigns/new) and a campaign's report
 * (#/campaigns/<id>).
 *
 * The builder keeps the whole draft in the page and asks the API for a preview of it as it
 * changes (POST /api/campaigns/preview, debounced): the budget preview — how many get it now,
 * how many are deferred and until when, how many are excluded and why — and each template
 * rendered for a real customer of the audience with the SMS segment counter. Nothing is saved
 * until "Send": then the campaign is created and sent in one step, and the report opens.
 */
import { type FormEvent, type ReactNode, useEffect, useMemo, useState } from 'react';
import { LIFECYCLE_STATUSES, RFM_SEGMENTS } from '../api.ts';
import {
  type Audience,
  type CampaignCreate,
  type CampaignDraftPreview,
  type CampaignPlan,
  type CampaignTemplate,
  type ChannelSettings,
  MESSAGE_CHANNELS,
  type MessageChannel,
  messagingApi,
  type TemplateRender,
} from '../api-messaging.ts';
import { ErrorBox, Loading, PageTitle } from '../components/ui.tsx';
import { useDebounced, useLoad } from '../hooks.ts';
import { useI18n } from '../i18n.tsx';
import { href, navigate, type Route } from '../router.ts';
import '../styles/messaging.css';

export function CampaignsPage(props: { route: Route }) {
  const sub = props.route.parts[1];
  if (sub === 'new') return <CampaignBuilder />;
  if (sub && /^\d+$/.test(sub)) return <CampaignReportPage id={Number(sub)} />;
  return <CampaignList />;
}

// ---------------------------------------------------------------------------------------
// List

const REACHED = ['sent', 'delivered', 'opened', 'clicked', 'replied'];

function CampaignList() {
  const { t, tk, fmt } = useI18n();
  const loaded = useLoad((signal) => messagingApi.campaigns({ signal }), []);
  return (
    <div className="messaging">
      <PageTitle
        title={t('msg.campaigns.title')}
        actions={
          <a className="btn btn-primary" href={href('/campaigns/new')}>
            {t('msg.campaigns.new')}
          </a>
        }
      >
        {t('msg.campaigns.title')}
      </PageTitle>
      {loaded.error ? <ErrorBox error={loaded.error} retry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data && loaded.data.items.length === 0 ? (
        <section className="card empty-state">
          <p>{t('msg.campaigns.empty')}</p>
          <a className="btn btn-primary" href={href('/campaigns/new')}>
            {t('msg.campaigns.new')}
          </a>
        </section>
      ) : null}
      {loaded.data && loaded.data.items.length > 0 ? (
        <div className="card table-scroll">
          <table className="campaign-table">
            <caption className="visually-hidden">{t('msg.campaigns.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('msg.campaigns.name')}</th>
                <th scope="col">{t('msg.campaigns.status')}</th>
                <th scope="col">{t('msg.campaigns.when')}</th>
                <th scope="col" className="num">
                  {t('msg.campaigns.recipients')}
                </th>
                <th scope="col" className="num">
                  {t('msg.campaigns.reached')}
                </th>
                <th scope="col" className="num">
                  {t('msg.status.failed')}
                </th>
                <th scope="col" className="num">
                  {t('msg.status.skipped')}
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.items.map((c) => {
                const total = Object.entries(c.counts)
                  .filter(([s]) => s !== 'skipped')
                  .reduce((n, [, v]) => n + v, 0);
                const reached = REACHED.reduce((n, s) => n + (c.counts[s] ?? 0), 0);
                return (
                  <tr key={c.id}>
                    <td>
                      <a href={href(`/campaigns/${c.id}`)} className="row-link">
                        {c.name}
                      </a>
                    </td>
                    <td>
                      <span className={`badge camp-${c.status}`}>
                        {tk(`msg.cstatus.${c.status}`, c.status)}
                      </span>
                    </td>
                    <td>{fmt.dateTime(c.sentAt ?? c.scheduleAt ?? c.createdAt)}</td>
                    <td className="num">{fmt.number(total)}</td>
                    <td className="num">{fmt.number(reached)}</td>
                    <td className="num">{fmt.number(c.counts.failed ?? 0)}</td>
                    <td className="num">{fmt.number(c.counts.skipped ?? 0)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------------------------------
// Builder

type AudienceKind = 'saved' | 'status' | 'rfm';
type PolicyMode = 'preferred' | 'cascade' | 'single';
type Lang = 'ru' | 'en';

interface TemplateForm {
  subject: string;
  text: string;
  sms: string;
}

/** Starter wording (message content, not UI text): a win-back in each language, editable. */
const STARTER: Record<Lang, TemplateForm> = {
  ru: {
    subject: "{{ customer.first_name | default: 'Здравствуйте' }}, мы скучаем",
    text: "{{ customer.first_name | default: 'Здравствуйте' }}, давно не виделись! Будем рады видеть вас снова в «{{ business.name }}».\n\nОтписаться: {{ unsubscribe_url }}",
    sms: "{{ customer.first_name | default: 'Здравствуйте' }}, ждём вас снова! {{ business.name }}. Отписка: СТОП",
  },
  en: {
    subject: "{{ customer.first_name | default: 'Hello' }}, we miss you",
    text: "{{ customer.first_name | default: 'Hello' }}, it has been a while! We would love to see you again at {{ business.name }}.\n\nUnsubscribe: {{ unsubscribe_url }}",
    sms: "{{ customer.first_name | default: 'Hello' }}, come back soon! {{ business.name }}. Reply STOP to opt out",
  },
};

interface Draft {
  name: string;
  purpose: 'marketing' | 'transactional';
  audienceKind: AudienceKind;
  statuses: string[];
  rfm: string[];
  savedSegmentId: number | null;
  policy: PolicyMode;
  single: MessageChannel;
  language: Lang;
  /** `default` always; a channel key when that channel has its own wording. */
  templates: Record<string, TemplateForm>;
  schedule: 'now' | 'at';
  /** datetime-local value, a wall time in the workspace zone. */
  at: string;
  expiresHours: string;
  holdout: string;
}

/** A wall time in `timeZone` ('2025-03-03T10:00') as an ISO instant. */
export function zonedToIso(local: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const offset = (at: number) => {
    const p = Object.fromEntries(format.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - at;
  };
  // Two passes settle the offset across a DST change.
  let t = wall - offset(wall);
  t = wall - offset(t);
  return new Date(t).toISOString();
}

function toTemplate(f: TemplateForm, language: Lang, key: string): CampaignTemplate {
  return {
    language,
    text: f.text,
    ...(f.subject.trim() && (key === 'default' || key === 'email') ? { subject: f.subject } : {}),
    ...(f.sms.trim() && (key === 'default' || key === 'sms') ? { sms: f.sms } : {}),
  };
}

function requestOf(d: Draft, timeZone: string): CampaignCreate | null {
  let audience: Audience;
  if (d.audienceKind === 'saved') {
    if (d.savedSegmentId === null) return null;
    audience = { savedSegmentId: d.savedSegmentId };
  } else {
    audience = d.audienceKind === 'status' ? { status: d.statuses } : { rfmSegment: d.rfm };
    if ((audience.status ?? audience.rfmSegment ?? []).length === 0) return null;
  }
  if (!d.templates.default?.text.trim()) return null;
  const scheduleAt = d.schedule === 'at' ? zonedToIso(d.at, timeZone) : null;
  if (d.schedule === 'at' && !scheduleAt) return null;
  const templates: CampaignCreate['templates'] = {};
  for (const [k, f] of Object.entries(d.templates))
    if (f.text.trim()) templates[k] = toTemplate(f, d.language, k);
  const expires = Number(d.expiresHours);
  const holdout = Number(d.holdout);
  return {
    name: d.name.trim() || 'draft',
    purpose: d.purpose,
    audience,
    templates,
    channelPolicy:
      d.policy === 'single'
        ? { channels: [d.single], cascade: [d.single], preferred: false }
        : { preferred: d.policy === 'preferred' },
    scheduleAt,
    expiresAfterHours: d.expiresHours.trim() && expires > 0 ? Math.round(expires) : null,
    holdoutShare: d.holdout.trim() && holdout > 0 ? Math.min(holdout, 90) / 100 : null,
  };
}

function CampaignBuilder() {
  const { t, tk, fmt, lang } = useI18n();
  const channels = useLoad((signal) => messagingApi.channels({ signal }), []);
  // Saved segments when the workspace has any (a key without customers:read simply has none).
  const segments = useLoad(
    (signal) => messagingApi.savedSegments({ signal }).catch(() => ({ items: [] })),
    [],
  );
  const savedSegments = segments.data?.items ?? [];
  const configured: ChannelSettings[] = (channels.data?.items ?? []).filter((c) => c.enabled);
  const [draft, setDraft] = useState<Draft>(() => ({
    name: '',
    purpose: 'marketing',
    audienceKind: 'status',
    statuses: ['sleeping'],
    rfm: [],
    savedSegmentId: null,
    policy: 'preferred',
    single: 'email',
    language: lang,
    templates: { default: { ...STARTER[lang] } },
    schedule: 'now',
    at: '',
    expiresHours: '72',
    holdout: '',
  }));
  const [tab, setTab] = useState('default');
  const [sending, setSending] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [sendError, setSendError] = useState<string | null>(null);
  const [nameError, setNameError] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  // One channel only: the chosen one while it is set up, else the first that is.
  const single =
    configured.length === 0 || configured.some((c) => c.channel === draft.single)
      ? draft.single
      : configured[0]!.channel;
  const request = useMemo(() => requestOf({ ...draft, single }, fmt.timeZone), [draft, single, fmt.timeZone]);
  const debounced = useDebounced(request, 400);
  const key = JSON.stringify(debounced);
  const preview = useLoad<CampaignDraftPreview | null>(
    (signal) => (debounced ? messagingApi.previewDraft(debounced, { signal }) : Promise.resolve(null)),
    [key],
  );

  const send = async () => {
    if (!request) return;
    if (!draft.name.trim()) {
      setNameError(true);
      setConfirming(false);
      document.getElementById('c-name')?.focus();
      return;
    }
    setSending(true);
    setSendError(null);
    try {
      const created = await messagingApi.createCampaign({ ...request, name: draft.name.trim() });
      await messagingApi.sendCampaign(created.id);
      navigate(href(`/campaigns/${created.id}`));
    } catch (e) {
      setSendError(e instanceof Error ? e.message : String(e));
      setSending(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft.name.trim()) {
      setNameError(true);
      document.getElementById('c-name')?.focus();
      return;
    }
    setConfirming(true);
  };

  const templateKeys = ['default', ...MESSAGE_CHANNELS.filter((c) => c in draft.templates)];
  const current = draft.templates[tab] ?? draft.templates.default!;
  const render: TemplateRender | undefined = preview.data?.renders[tab];
  const setTemplate = (patch: Partial<TemplateForm>) =>
    setDraft((d) => ({ ...d, templates: { ...d.templates, [tab]: { ...current, ...patch } } }));
  const toggleOwn = (ch: MessageChannel, on: boolean) => {
    setDraft((d) => {
      const templates = { ...d.templates };
      if (on) templates[ch] = { ...templates.default! };
      else delete templates[ch];
      return { ...d, templates };
    });
    setTab(on ? ch : 'default');
  };
  const toggle = (list: string[], v: string, on: boolean) =>
    on ? [...list, v] : list.filter((x) => x !== v);
  const channelName = (c: string) => tk(`msg.ch.${c}`, c);

  return (
    <div className="messaging builder">
      <a className="back-link" href={href('/campaigns')}>
        ← {t('msg.campaigns.title')}
      </a>
      <PageTitle title={t('msg.builder.title')}>{t('msg.builder.title')}</PageTitle>
      {channels.data && configured.length === 0 ? (
        <p className="notice" role="note">
          {t('msg.builder.noChannels')}{' '}
          <a href={href('/settings/channels')}>{t('msg.builder.setUpChannels')}</a>
        </p>
      ) : null}
      <form className="builder-grid" onSubmit={submit} noValidate>
        <div className="builder-main">
          <section className="card" aria-labelledby="b-basics">
            <h2 id="b-basics" className="card-title">
              {t('msg.builder.basics')}
            </h2>
            <div className="form-grid">
              <div className="field">
                <label htmlFor="c-name">{t('msg.campaigns.name')} *</label>
                <input
                  id="c-name"
                  value={draft.name}
                  required
                  aria-invalid={nameError || undefined}
                  aria-describedby={nameError ? 'c-name-err' : undefined}
                  onChange={(e) => {
                    set('name', e.target.value);
                    setNameError(false);
                  }}
                />
                {nameError ? (
                  <span className="field-error" id="c-name-err">
                    {t('msg.builder.nameRequired')}
                  </span>
                ) : null}
              </div>
              <div className="field">
                <label htmlFor="c-purpose">{t('msg.builder.purpose')}</label>
                <select
                  id="c-purpose"
                  value={draft.purpose}
                  onChange={(e) => set('purpose', e.target.value as Draft['purpose'])}
                >
                  <option value="marketing">{t('msg.purpose.marketing')}</option>
                  <option value="transactional">{t('msg.purpose.transactional')}</option>
                </select>
              </div>
            </div>
            <p className="hint">
              {t(
                draft.purpose === 'marketing' ? 'msg.builder.marketingHint' : 'msg.builder.transactionalHint',
              )}
            </p>
          </section>

          <section className="card" aria-labelledby="b-audience">
            <h2 id="b-audience" className="card-title">
              {t('msg.builder.audience')}
            </h2>
            <fieldset className="radio-group">
              <legend className="visually-hidden">{t('msg.builder.audienceBy')}</legend>
              {savedSegments.length > 0 ? (
                <label className="check">
                  <input
                    type="radio"
                    name="aud"
                    checked={draft.audienceKind === 'saved'}
                    onChange={() => set('audienceKind', 'saved')}
                  />
                  {t('msg.builder.bySaved')}
                </label>
              ) : null}
              <label className="check">
                <input
                  type="radio"
                  name="aud"
                  checked={draft.audienceKind === 'status'}
                  onChange={() => set('audienceKind', 'status')}
                />
                {t('msg.builder.byStatus')}
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="aud"
                  checked={draft.audienceKind === 'rfm'}
                  onChange={() => set('audienceKind', 'rfm')}
                />
                {t('msg.builder.byRfm')}
              </label>
            </fieldset>
            {draft.audienceKind === 'saved' ? (
              <div className="field short-field">
                <label htmlFor="c-segment">{t('msg.builder.bySaved')}</label>
                <select
                  id="c-segment"
                  value={draft.savedSegmentId ?? ''}
                  onChange={(e) => set('savedSegmentId', e.target.value ? Number(e.target.value) : null)}
                >
                  <option value="">{t('msg.builder.chooseSegment')}</option>
                  {savedSegments.map((sg) => (
                    <option key={sg.id} value={sg.id}>
                      {sg.count === null
                        ? sg.name
                        : t('msg.builder.segmentOption', { name: sg.name, n: fmt.number(sg.count) })}
                    </option>
                  ))}
                </select>
              </div>
            ) : (
              <fieldset className="chip-choices">
                <legend className="visually-hidden">
                  {t(draft.audienceKind === 'status' ? 'msg.builder.byStatus' : 'msg.builder.byRfm')}
                </legend>
                {(draft.audienceKind === 'status' ? LIFECYCLE_STATUSES : RFM_SEGMENTS).map((s) => {
                  const list = draft.audienceKind === 'status' ? draft.statuses : draft.rfm;
                  return (
                    <label className="check choice" key={s}>
                      <input
                        type="checkbox"
                        checked={list.includes(s)}
                        onChange={(e) =>
                          draft.audienceKind === 'status'
                            ? set('statuses', toggle(draft.statuses, s, e.target.checked))
                            : set('rfm', toggle(draft.rfm, s, e.target.checked))
                        }
                      />
                      {draft.audienceKind === 'status' ? tk(`status.${s}`, s) : tk(`seg.${s}`, s)}
                    </label>
                  );
                })}
              </fieldset>
            )}
          </section>

          <section className="card" aria-labelledby="b-channels">
            <h2 id="b-channels" className="card-title">
              {t('msg.builder.channels')}
            </h2>
            <fieldset className="radio-group">
              <legend className="visually-hidden">{t('msg.builder.channels')}</legend>
              {(['preferred', 'cascade', 'single'] as const).map((m) => (
                <label className="check" key={m}>
                  <input
                    type="radio"
                    name="policy"
                    checked={draft.policy === m}
                    onChange={() => set('policy', m)}
                  />
                  {t(`msg.builder.policy.${m}`)}
                </label>
              ))}
            </fieldset>
            {draft.policy === 'single' ? (
              <div className="field short-field">
                <label htmlFor="c-single">{t('msg.builder.onlyChannel')}</label>
                <select
                  id="c-single"
                  value={single}
                  onChange={(e) => set('single', e.target.value as MessageChannel)}
                >
                  {(configured.length ? configured.map((c) => c.channel) : MESSAGE_CHANNELS).map((c) => (
                    <option key={c} value={c}>
                      {channelName(c)}
                    </option>
                  ))}
                </select>
              </div>
            ) : (
              <p className="hint">
                {t('msg.builder.configured')}{' '}
                {configured.length ? configured.map((c) => channelName(c.channel)).join(', ') : '—'} ·{' '}
                <a href={href('/settings/messaging')}>{t('msg.builder.cascadeLink')}</a>
              </p>
            )}
          </section>

          <section className="card" aria-labelledby="b-template">
            <h2 id="b-template" className="card-title">
              {t('msg.builder.template')}
            </h2>
            <div className="form-grid">
              <div className="field short-field">
                <label htmlFor="c-lang">{t('msg.builder.language')}</label>
                <select
                  id="c-lang"
                  value={draft.language}
                  onChange={(e) => set('language', e.target.value as Lang)}
                >
                  <option value="ru">Русский</option>
                  <option value="en">English</option>
                </select>
              </div>
            </div>
            <fieldset className="chip-choices">
              <legend>{t('msg.builder.ownWording')}</legend>
              {MESSAGE_CHANNELS.filter(
                (c) => configured.some((x) => x.channel === c) || c in draft.templates,
              ).map((c) => (
                <label className="check choice" key={c}>
                  <input
                    type="checkbox"
                    checked={c in draft.templates}
                    onChange={(e) => toggleOwn(c, e.target.checked)}
                  />
                  {channelName(c)}
                </label>
              ))}
            </fieldset>
            <div className="tabs template-tabs" role="tablist" aria-label={t('msg.builder.template')}>
              {templateKeys.map((k) => (
                <button
                  key={k}
                  type="button"
                  role="tab"
                  id={`tt-${k}`}
                  aria-selected={tab === k}
                  aria-controls="template-panel"
                  tabIndex={tab === k ? 0 : -1}
                  className={tab === k ? 'tab active' : 'tab'}
                  onClick={() => setTab(k)}
                  onKeyDown={(e) => {
                    const i = templateKeys.indexOf(k);
                    const j = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : -2;
                    if (j === -2) return;
                    const next = templateKeys[(j + templateKeys.length) % templateKeys.length]!;
                    setTab(next);
                    document.getElementById(`tt-${next}`)?.focus();
                  }}
                >
                  {k === 'default' ? t('msg.builder.allChannels') : channelName(k)}
                </button>
              ))}
            </div>
            <div id="template-panel" role="tabpanel" aria-labelledby={`tt-${tab}`} className="template-panel">
              {tab === 'default' || tab === 'email' ? (
                <div className="field">
                  <label htmlFor="c-subject">{t('msg.builder.subject')}</label>
                  <input
                    id="c-subject"
                    value={current.subject}
                    onChange={(e) => setTemplate({ subject: e.target.value })}
                  />
                </div>
              ) : null}
              <div className="field">
                <label htmlFor="c-text">{t('msg.builder.text')} *</label>
                <textarea
                  id="c-text"
                  rows={5}
                  value={current.text}
                  onChange={(e) => setTemplate({ text: e.target.value })}
                />
              </div>
              {tab === 'default' || tab === 'sms' ? (
                <div className="field">
                  <label htmlFor="c-sms">{t('msg.builder.sms')}</label>
                  <textarea
                    id="c-sms"
                    rows={2}
                    value={current.sms}
                    aria-describedby="c-sms-count"
                    onChange={(e) => setTemplate({ sms: e.target.value })}
                  />
                  <span id="c-sms-count" className="hint" aria-live="polite">
                    {render
                      ? t('msg.builder.smsCount', {
                          chars: render.smsCount.characters,
                          segments: render.smsCount.segments,
                          encoding: render.smsCount.encoding.toUpperCase(),
                          left: render.smsCount.remainingInSegment,
                        })
                      : ''}
                  </span>
                </div>
              ) : null}
              <p className="hint">{t('msg.builder.variables')}</p>
            </div>
            <RenderedPreview
              render={render}
              sample={preview.data?.sample ?? null}
              tab={tab}
              loading={preview.loading}
            />
          </section>

          <section className="card" aria-labelledby="b-schedule">
            <h2 id="b-schedule" className="card-title">
              {t('msg.builder.schedule')}
            </h2>
            <fieldset className="radio-group">
              <legend className="visually-hidden">{t('msg.builder.schedule')}</legend>
              <label className="check">
                <input
                  type="radio"
                  name="when"
                  checked={draft.schedule === 'now'}
                  onChange={() => set('schedule', 'now')}
                />
                {t('msg.builder.now')}
              </label>
              <label className="check">
                <input
                  type="radio"
                  name="when"
                  checked={draft.schedule === 'at'}
                  onChange={() => set('schedule', 'at')}
                />
                {t('msg.builder.at')}
              </label>
            </fieldset>
            <div className="form-grid">
              {draft.schedule === 'at' ? (
                <div className="field">
                  <label htmlFor="c-at">{t('msg.builder.atLabel', { zone: fmt.timeZone })}</label>
                  <input
                    id="c-at"
                    type="datetime-local"
                    value={draft.at}
                    onChange={(e) => set('at', e.target.value)}
                  />
                </div>
              ) : null}
              <div className="field">
                <label htmlFor="c-expires">{t('msg.builder.expires')}</label>
                <input
                  id="c-expires"
                  type="number"
                  min={1}
                  value={draft.expiresHours}
                  onChange={(e) => set('expiresHours', e.target.value)}
                  aria-describedby="c-expires-hint"
                />
                <span className="hint" id="c-expires-hint">
                  {t('msg.builder.expiresHint')}
                </span>
              </div>
              <div className="field">
                <label htmlFor="c-holdout">{t('msg.builder.holdout')}</label>
                <input
                  id="c-holdout"
                  type="number"
                  min={0}
                  max={90}
                  value={draft.holdout}
                  placeholder="0"
                  onChange={(e) => set('holdout', e.target.value)}
                />
              </div>
            </div>
          </section>
        </div>

        <aside className="builder-side" aria-labelledby="b-preview">
          <section className="card budget-preview">
            <h2 id="b-preview" className="card-title">
              {t('msg.builder.budget')}
            </h2>
            {!request ? <p className="muted">{t('msg.builder.incomplete')}</p> : null}
            {preview.error ? <ErrorBox error={preview.error} retry={preview.reload} /> : null}
            {request && preview.loading && !preview.data ? <Loading /> : null}
            {preview.data ? <PlanView plan={preview.data.plan} /> : null}
            <div className="form-actions">
              <button
                type="submit"
                className="btn btn-primary"
                disabled={!request || sending || !preview.data}
              >
                {t('msg.builder.review')}
              </button>
            </div>
            {confirming && preview.data ? (
              <div className="confirm-box" role="alertdialog" aria-labelledby="send-confirm">
                <p id="send-confirm">
                  {t(draft.schedule === 'at' ? 'msg.builder.confirmScheduled' : 'msg.builder.confirmNow', {
                    now: fmt.number(preview.data.plan.now),
                    deferred: fmt.number(preview.data.plan.deferred),
                    excluded: fmt.number(preview.data.plan.excluded),
                  })}
                </p>
                <div className="form-actions">
                  <button type="button" className="btn btn-primary" disabled={sending} onClick={send}>
                    {sending ? t('msg.builder.sending') : t('msg.builder.send')}
                  </button>
                  <button
                    type="button"
                    className="btn"
                    disabled={sending}
                    onClick={() => setConfirming(false)}
                  >
                    {t('msg.cancel')}
                  </button>
                </div>
              </div>
            ) : null}
            {sendError ? (
              <p className="field-error" role="alert">
                {sendError}
              </p>
            ) : null}
          </section>
        </aside>
      </form>
    </div>
  );
}

function RenderedPreview(props: {
  render: TemplateRender | undefined;
  sample: { id: number; name: string | null } | null;
  tab: string;
  loading: boolean;
}) {
  const { t } = useI18n();
  const r = props.render;
  return (
    <div className="rendered" aria-live="polite" aria-busy={props.loading}>
      <h3 className="sub-title">
        {props.sample
          ? t('msg.builder.previewFor', { name: props.sample.name ?? `#${props.sample.id}` })
          : t('msg.builder.previewNoSample')}
      </h3>
      {r ? (
        <>
          {r.errors.length > 0 ? (
            <ul className="field-error">
              {r.errors.map((e) => (
                <li key={`${e.part}-${e.message}`}>
                  {e.part}: {e.message}
                </li>
              ))}
            </ul>
          ) : null}
          {r.subject && (props.tab === 'default' || props.tab === 'email') ? (
            <p className="rendered-subject">{r.subject}</p>
          ) : null}
          <div className="rendered-body">{props.tab === 'sms' ? r.sms : r.text}</div>
          {r.warnings.length > 0 ? (
            <ul className="hint">
              {r.warnings.map((w) => (
                <li key={`${w.part}-${w.message}`}>{w.message}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </div>
  );
}

function PlanView(props: { plan: CampaignPlan }) {
  const { t, tk, fmt } = useI18n();
  const p = props.plan;
  const deferredBy = Object.entries(p.deferredBy).filter(([, n]) => n > 0);
  const excludedBy = Object.entries(p.excludedBy).sort((a, b) => b[1] - a[1]);
  return (
    <div className="plan" data-testid="budget-preview">
      <p className="muted">{t('msg.plan.audience', { n: fmt.number(p.audience) })}</p>
      {p.alreadyPlanned > 0 ? (
        <p className="muted">{t('msg.plan.already', { n: fmt.number(p.alreadyPlanned) })}</p>
      ) : null}
      <dl className="plan-figures">
        <div className="plan-now">
          <dt>{t('msg.plan.now')}</dt>
          <dd data-plan="now">{fmt.number(p.now)}</dd>
        </div>
        <div className="plan-deferred">
          <dt>{t('msg.plan.deferred')}</dt>
          <dd data-plan="deferred">{fmt.number(p.deferred)}</dd>
        </div>
        <div className="plan-excluded">
          <dt>{t('msg.plan.excluded')}</dt>
          <dd data-plan="excluded">{fmt.number(p.excluded)}</dd>
        </div>
      </dl>
      {p.deferred > 0 && p.deferredWindow ? (
        <p className="small">
          {t('msg.plan.deferredWindow', {
            from: fmt.dateTime(p.deferredWindow.from),
            to: fmt.dateTime(p.deferredWindow.to),
          })}
        </p>
      ) : null}
      {deferredBy.length > 0 ? (
        <ul className="reasons">
          {deferredBy.map(([k, n]) => (
            <li key={k}>
              {tk(`msg.hold.${k}`, k)}: {fmt.number(n)}
            </li>
          ))}
        </ul>
      ) : null}
      {excludedBy.length > 0 ? (
        <>
          <h3 className="sub-title">{t('msg.plan.why')}</h3>
          <ul className="reasons">
            {excludedBy.map(([k, n]) => (
              <li key={k}>
                {tk(`msg.reason.${k}`, k)}: {fmt.number(n)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {Object.keys(p.byChannel).length > 0 ? (
        <>
          <h3 className="sub-title">{t('msg.plan.byChannel')}</h3>
          <ul className="reasons">
            {Object.entries(p.byChannel).map(([ch, v]) => (
              <li key={ch}>
                {tk(`msg.ch.${ch}`, ch)}:{' '}
                {t('msg.plan.channelLine', { now: fmt.number(v.now), deferred: fmt.number(v.deferred) })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

// ---------------------------------------------------------------------------------------
// Report

const FUNNEL = ['planned', 'sent', 'delivered', 'opened', 'clicked', 'replied'] as const;
const PENDING = ['queued', 'deferred', 'sending'];
const PAGE = 25;

function CampaignReportPage(props: { id: number }) {
  const { t, tk, fmt } = useI18n();
  const [tick, setTick] = useState(0);
  const loaded = useLoad(
    async (signal) => {
      const [campaign, report] = await Promise.all([
        messagingApi.campaign(props.id, { signal }),
        messagingApi.report(props.id, { signal }),
      ]);
      return { campaign, report };
    },
    [props.id, tick],
  );
  const pending = loaded.data ? PENDING.reduce((n, s) => n + (loaded.data!.report.byStatus[s] ?? 0), 0) : 0;
  // While messages are still going out, refresh every few seconds.
  useEffect(() => {
    if (pending === 0) return;
    const id = setTimeout(() => setTick((n) => n + 1), 3000);
    return () => clearTimeout(id);
  }, [pending]);

  if (loaded.error) return <ErrorBox error={loaded.error} retry={loaded.reload} />;
  if (!loaded.data) return <Loading />;
  const { campaign: c, report: r } = loaded.data;
  const top = Math.max(1, r.funnel.planned);
  const channelRows = Object.entries(r.byChannel).filter(([ch]) => ch !== 'none');
  const statuses = [...new Set(channelRows.flatMap(([, v]) => Object.keys(v)))].sort(
    (a, b) => STATUS_ORDER.indexOf(a) - STATUS_ORDER.indexOf(b),
  );
  return (
    <div className="messaging report">
      <a className="back-link" href={href('/campaigns')}>
        ← {t('msg.campaigns.title')}
      </a>
      <PageTitle title={c.name}>{c.name}</PageTitle>
      <p className="status-line">
        <span className={`badge camp-${c.status}`}>{tk(`msg.cstatus.${c.status}`, c.status)}</span>{' '}
        {t(`msg.purpose.${c.purpose}`)} ·{' '}
        {c.sentAt ? t('msg.report.sentAt', { at: fmt.dateTime(c.sentAt) }) : null}
        {c.scheduleAt ? ` · ${t('msg.report.scheduled', { at: fmt.dateTime(c.scheduleAt) })}` : ''}
        {pending > 0 ? (
          <span role="status" className="muted">
            {' '}
            · {t('msg.report.pending', { n: fmt.number(pending) })}
          </span>
        ) : null}
      </p>
      <section className="card" aria-labelledby="r-funnel">
        <h2 id="r-funnel" className="card-title">
          {t('msg.report.funnel')}
        </h2>
        <ol className="funnel">
          {FUNNEL.map((k) => (
            <li key={k} data-funnel={k}>
              <span className="funnel-label">{t(`msg.funnel.${k}`)}</span>
              <span className="funnel-bar" aria-hidden="true">
                <span style={{ width: `${(100 * r.funnel[k]) / top}%` }} />
              </span>
              <span className="funnel-n">
                {fmt.number(r.funnel[k])}
                {k !== 'planned' && r.funnel.planned > 0 ? (
                  <span className="muted small"> {fmt.percent(r.funnel[k] / r.funnel.planned, 0)}</span>
                ) : null}
              </span>
            </li>
          ))}
        </ol>
        <p className="muted small">{t('msg.report.cost', { cost: fmt.amount(r.costMinor / 100) })}</p>
      </section>
      <div className="grid-2">
        <section className="card" aria-labelledby="r-failed">
          <h2 id="r-failed" className="card-title">
            {t('msg.report.failed')}
          </h2>
          <ReasonList reasons={r.failedBy} empty={t('msg.report.noFailures')} />
        </section>
        <section className="card" aria-labelledby="r-skipped">
          <h2 id="r-skipped" className="card-title">
            {t('msg.report.skipped')}
          </h2>
          <ReasonList reasons={r.skippedBy} empty={t('msg.report.noSkips')} />
        </section>
      </div>
      {channelRows.length > 0 ? (
        <section className="card table-scroll" aria-labelledby="r-channels">
          <h2 id="r-channels" className="card-title">
            {t('msg.report.byChannel')}
          </h2>
          <table className="channel-report">
            <thead>
              <tr>
                <th scope="col">{t('msg.consent.channel')}</th>
                {statuses.map((s) => (
                  <th scope="col" className="num" key={s}>
                    {tk(`msg.status.${s}`, s)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {channelRows.map(([ch, v]) => (
                <tr key={ch} data-channel={ch}>
                  <th scope="row">{tk(`msg.ch.${ch}`, ch)}</th>
                  {statuses.map((s) => (
                    <td className="num" key={s}>
                      {fmt.number(v[s] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      <Recipients id={props.id} refresh={tick} />
    </div>
  );
}

const STATUS_ORDER = [
  'queued',
  'deferred',
  'sending',
  'sent',
  'delivered',
  'opened',
  'clicked',
  'replied',
  'failed',
  'skipped',
];

function ReasonList(props: { reasons: Record<string, number>; empty: string }) {
  const { tk, fmt } = useI18n();
  const entries = Object.entries(props.reasons).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return <p className="muted">{props.empty}</p>;
  return (
    <ul className="reasons">
      {entries.map(([k, n]) => (
        <li key={k}>
          {tk(`msg.reason.${k}`, k)}: <strong>{fmt.number(n)}</strong>
        </li>
      ))}
    </ul>
  );
}

function Recipients(props: { id: number; refresh: number }) {
  const { t, tk, fmt } = useI18n();
  const [status, setStatus] = useState('');
  const [channel, setChannel] = useState('');
  const [offset, setOffset] = useState(0);
  const loaded = useLoad(
    (signal) =>
      messagingApi.messages(
        props.id,
        { ...(status ? { status } : {}), ...(channel ? { channel } : {}), limit: PAGE, offset },
        { signal },
      ),
    [props.id, status, channel, offset, props.refresh],
  );
  const filter = (node: ReactNode) => <div className="toolbar">{node}</div>;
  return (
    <section className="card" aria-labelledby="r-recipients">
      <h2 id="r-recipients" className="card-title">
        {t('msg.report.recipients')}
      </h2>
      {filter(
        <>
          <div className="field inline">
            <label htmlFor="rf-status">{t('msg.campaigns.status')}</label>
            <select
              id="rf-status"
              value={status}
              onChange={(e) => {
                setStatus(e.target.value);
                setOffset(0);
              }}
            >
              <option value="">{t('msg.report.all')}</option>
              {STATUS_ORDER.map((s) => (
                <option key={s} value={s}>
                  {tk(`msg.status.${s}`, s)}
                </option>
              ))}
            </select>
          </div>
          <div className="field inline">
            <label htmlFor="rf-channel">{t('msg.consent.channel')}</label>
            <select
              id="rf-channel"
              value={channel}
              onChange={(e) => {
                setChannel(e.target.value);
                setOffset(0);
              }}
            >
              <option value="">{t('msg.report.all')}</option>
              {MESSAGE_CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {tk(`msg.ch.${c}`, c)}
                </option>
              ))}
            </select>
          </div>
        </>,
      )}
      {loaded.error ? <ErrorBox error={loaded.error} retry={loaded.reload} /> : null}
      {loaded.data ? (
        <>
          <div className="table-scroll">
            <table className="recipients">
              <caption className="visually-hidden">{t('msg.report.recipients')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('msg.report.customer')}</th>
                  <th scope="col">{t('msg.consent.channel')}</th>
                  <th scope="col">{t('msg.campaigns.status')}</th>
                  <th scope="col">{t('msg.report.reason')}</th>
                  <th scope="col">{t('msg.report.time')}</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((m) => (
                  <tr key={m.id} data-status={m.status} data-channel={m.channel ?? ''}>
                    <td>
                      <a href={href(`/customers/${m.customerId}`)} className="row-link">
                        {m.customerName ?? `#${m.customerId}`}
                      </a>
                    </td>
                    <td>{m.channel ? tk(`msg.ch.${m.channel}`, m.channel) : '—'}</td>
                    <td>
                      <span className={`badge msg-${m.status}`}>
                        {tk(`msg.status.${m.status}`, m.status)}
                      </span>
                    </td>
                    <td>{m.reason ? tk(`msg.reason.${m.reason}`, m.reason) : ''}</td>
                    <td>{fmt.dateTime(m.sentAt ?? m.sendAfter)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {loaded.data.items.length === 0 ? <p className="muted">{t('msg.report.noRecipients')}</p> : null}
          <div className="list-foot">
            <span className="muted">
              {t('msg.report.range', {
                from: fmt.number(loaded.data.total === 0 ? 0 : offset + 1),
                to: fmt.number(offset + loaded.data.items.length),
                total: fmt.number(loaded.data.total),
              })}
            </span>
            <button
              type="button"
              className="btn"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              {t('msg.report.prev')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={offset + PAGE >= loaded.data.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              {t('msg.report.next')}
            </button>
          </div>
        </>
      ) : (
        <Loading />
      )}
    </section>
  );
}
