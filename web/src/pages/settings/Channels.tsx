/**
 * Settings → Channels: for each channel the provider serving it, the provider's settings,
 * credentials (write-only: the page shows that one is set, never its value), on/off, price per
 * message, the callback URL to give the provider, and a test send showing the provider's answer.
 */
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api.ts';
import {
  type ChannelSettings,
  type ChannelTestResult,
  MESSAGE_CHANNELS,
  type MessageChannel,
  type MessagingStatus,
  messagingApi,
  type Provider,
} from '../../api-messaging.ts';
import { SettingsTabs } from '../../components/SettingsTabs.tsx';
import { ErrorBox, Loading, PageTitle } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MessageKey } from '../../messages.ts';
import type { Route } from '../../router.ts';
import '../../styles/messaging.css';

type FieldKind = 'text' | 'number' | 'boolean' | 'secret' | 'url';
interface Field {
  name: string;
  kind: FieldKind;
  required?: boolean;
  placeholder?: string;
}

/** The settings form of each provider (src/channels/*.ts config schemas; secrets as in channel-settings.ts). */
const PROVIDER_FIELDS: Record<Provider, Field[]> = {
  smtp: [
    { name: 'host', kind: 'text', required: true, placeholder: 'smtp.example.com' },
    { name: 'port', kind: 'number', placeholder: '587' },
    { name: 'secure', kind: 'boolean' },
    { name: 'requireTLS', kind: 'boolean' },
    { name: 'user', kind: 'text' },
    { name: 'pass', kind: 'secret' },
    { name: 'from', kind: 'text', required: true, placeholder: 'Salon <hello@salon.example>' },
    { name: 'replyTo', kind: 'text' },
  ],
  'sms-ru': [
    { name: 'apiId', kind: 'secret', required: true },
    { name: 'from', kind: 'text' },
    { name: 'baseUrl', kind: 'url', placeholder: 'https://sms.ru' },
    { name: 'test', kind: 'boolean' },
    { name: 'callbackSecret', kind: 'secret' },
  ],
  twilio: [
    { name: 'accountSid', kind: 'text', required: true, placeholder: 'AC…' },
    { name: 'authToken', kind: 'secret', required: true },
    { name: 'from', kind: 'text', placeholder: '+15551234567' },
    { name: 'messagingServiceSid', kind: 'text' },
    { name: 'baseUrl', kind: 'url', placeholder: 'https://api.twilio.com' },
  ],
  telegram: [
    { name: 'botToken', kind: 'secret', required: true, placeholder: '123456:ABC-DEF' },
    { name: 'webhookSecret', kind: 'secret' },
    { name: 'baseUrl', kind: 'url', placeholder: 'https://api.telegram.org' },
  ],
  whatsapp: [
    { name: 'phoneNumberId', kind: 'text', required: true },
    { name: 'accessToken', kind: 'secret', required: true },
    { name: 'appSecret', kind: 'secret' },
    { name: 'verifyToken', kind: 'secret' },
    { name: 'baseUrl', kind: 'url', placeholder: 'https://graph.facebook.com' },
  ],
  vk: [
    { name: 'accessToken', kind: 'secret', required: true },
    { name: 'groupId', kind: 'number' },
    { name: 'callbackSecret', kind: 'secret' },
    { name: 'confirmationCode', kind: 'secret' },
    { name: 'baseUrl', kind: 'url', placeholder: 'https://api.vk.com' },
  ],
  max: [
    { name: 'botToken', kind: 'secret', required: true },
    { name: 'webhookSecret', kind: 'secret' },
    { name: 'baseUrl', kind: 'url', placeholder: 'https://platform-api2.max.ru' },
  ],
  webhook: [
    { name: 'url', kind: 'url', required: true, placeholder: 'https://example.com/hooks/messages' },
    { name: 'secret', kind: 'secret', required: true },
  ],
  log: [{ name: 'print', kind: 'boolean' }],
};

/** Providers that can serve each channel (`log` serves any: development and demos). */
const PROVIDERS_OF: Record<MessageChannel, Provider[]> = {
  email: ['smtp', 'log'],
  sms: ['sms-ru', 'twilio', 'log'],
  telegram: ['telegram', 'log'],
  whatsapp: ['whatsapp', 'log'],
  vk: ['vk', 'log'],
  max: ['max', 'log'],
  webhook: ['webhook', 'log'],
};

export function ChannelsPage(_props: { route: Route }) {
  const { t } = useI18n();
  const loaded = useLoad(async (signal) => {
    const [channels, status] = await Promise.all([
      messagingApi.channels({ signal }),
      messagingApi.status({ signal }),
    ]);
    return { channels: channels.items, status };
  }, []);
  return (
    <div className="settings messaging">
      <PageTitle title={t('msg.channels.title')}>{t('msg.channels.title')}</PageTitle>
      <SettingsTabs />
      <p className="muted">{t('msg.channels.intro')}</p>
      {loaded.error ? <ErrorBox error={loaded.error} retry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.data ? (
        <>
          {!loaded.data.status.secretsAllowed ? (
            <p className="notice" role="note">
              {t('msg.channels.noSecretKey')}
            </p>
          ) : null}
          <div className="channel-list">
            {MESSAGE_CHANNELS.map((ch) => (
              <ChannelCard
                key={ch}
                channel={ch}
                stored={loaded.data?.channels.find((c) => c.channel === ch) ?? null}
                status={loaded.data!.status}
                onChanged={loaded.reload}
              />
            ))}
          </div>
        </>
      ) : null}
    </div>
  );
}

interface FormState {
  provider: Provider;
  enabled: boolean;
  cost: string;
  values: Record<string, string | boolean>;
  /** Secrets the user asked to clear. */
  clear: Set<string>;
}

function initialForm(channel: MessageChannel, stored: ChannelSettings | null): FormState {
  const provider = stored?.provider ?? PROVIDERS_OF[channel][0]!;
  const values: Record<string, string | boolean> = {};
  for (const f of PROVIDER_FIELDS[provider]) {
    const v = stored?.config[f.name];
    if (f.kind === 'boolean') values[f.name] = v === true;
    else if (f.kind !== 'secret' && v !== undefined && v !== null) values[f.name] = String(v);
  }
  return {
    provider,
    enabled: stored?.enabled ?? true,
    cost:
      stored?.costMinor === null || stored?.costMinor === undefined
        ? ''
        : (stored.costMinor / 100).toFixed(2),
    values,
    clear: new Set(),
  };
}

function ChannelCard(props: {
  channel: MessageChannel;
  stored: ChannelSettings | null;
  status: MessagingStatus;
  onChanged(): void;
}) {
  const { t, tk, fmt } = useI18n();
  const { channel, stored } = props;
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<FormState>(() => initialForm(channel, stored));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; fields: Record<string, string> } | null>(null);
  const [saved, setSaved] = useState(false);
  const id = (name: string) => `ch-${channel}-${name}`;
  const fields = PROVIDER_FIELDS[form.provider];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    const config: Record<string, unknown> = {};
    for (const f of fields) {
      const v = form.values[f.name];
      if (f.kind === 'boolean') config[f.name] = v === true;
      else if (f.kind === 'secret') {
        if (form.clear.has(f.name)) config[f.name] = null;
        else if (typeof v === 'string' && v !== '') config[f.name] = v;
      } else if (typeof v === 'string' && v.trim() !== '')
        config[f.name] = f.kind === 'number' ? Number(v) : v.trim();
    }
    const cost = form.cost.trim().replace(',', '.');
    try {
      await messagingApi.saveChannel(channel, {
        provider: form.provider,
        enabled: form.enabled,
        costMinor: cost === '' ? null : Math.round(Number(cost) * 100),
        config,
      });
      setSaved(true);
      // Typed secrets leave the page once stored: the card shows them as "set" from now on.
      setForm((f) => {
        const values = { ...f.values };
        for (const field of fields) if (field.kind === 'secret') delete values[field.name];
        return { ...f, values, clear: new Set() };
      });
      props.onChanged();
    } catch (err) {
      const fieldsErr: Record<string, string> = {};
      if (err instanceof ApiError)
        for (const [path, msg] of Object.entries(err.fieldProblems()))
          fieldsErr[path.replace(/^config\./, '')] = msg;
      setError({
        message:
          err instanceof ApiError && err.code === 'secret_key_required'
            ? t('msg.channels.noSecretKey')
            : err instanceof Error
              ? err.message
              : String(err),
        fields: fieldsErr,
      });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!window.confirm(t('msg.channels.removeConfirm', { channel: tk(`msg.ch.${channel}`, channel) })))
      return;
    setBusy(true);
    try {
      await messagingApi.removeChannel(channel);
      setForm(initialForm(channel, null));
      props.onChanged();
    } catch (err) {
      setError({ message: err instanceof Error ? err.message : String(err), fields: {} });
    } finally {
      setBusy(false);
    }
  };

  const set = (name: string, v: string | boolean) =>
    setForm((f) => ({ ...f, values: { ...f.values, [name]: v } }));

  return (
    <section className="card channel-card" aria-labelledby={id('title')} data-channel={channel}>
      <div className="channel-head">
        <h2 id={id('title')} className="card-title">
          {tk(`msg.ch.${channel}`, channel)}
        </h2>
        <span className={`badge ${stored ? (stored.enabled ? 'badge-on' : 'badge-off') : 'muted-badge'}`}>
          {stored
            ? `${tk(`msg.provider.${stored.provider}`, stored.provider)} · ${t(stored.enabled ? 'msg.channels.on' : 'msg.channels.off')}`
            : t('msg.channels.notConfigured')}
        </span>
        {stored?.costMinor !== null && stored?.costMinor !== undefined ? (
          <span className="muted small">
            {t('msg.channels.costShown', { cost: fmt.amount(stored.costMinor / 100) })}
          </span>
        ) : null}
        <button
          type="button"
          className="btn btn-quiet"
          aria-expanded={open}
          aria-controls={id('body')}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? t('msg.channels.close') : stored ? t('msg.channels.edit') : t('msg.channels.setUp')}
        </button>
      </div>
      {open ? (
        <div id={id('body')}>
          <form
            onSubmit={submit}
            className="channel-form"
            aria-label={t('msg.channels.formLabel', { channel: tk(`msg.ch.${channel}`, channel) })}
          >
            <div className="form-grid">
              <div className="field">
                <label htmlFor={id('provider')}>{t('msg.channels.provider')}</label>
                <select
                  id={id('provider')}
                  value={form.provider}
                  onChange={(e) => {
                    const provider = e.target.value as Provider;
                    setForm({
                      ...initialForm(channel, stored?.provider === provider ? stored : null),
                      provider,
                    });
                  }}
                >
                  {PROVIDERS_OF[channel].map((p) => (
                    <option key={p} value={p}>
                      {tk(`msg.provider.${p}`, p)}
                    </option>
                  ))}
                </select>
              </div>
              {fields.map((f) =>
                f.kind === 'boolean' ? (
                  <label className="check" key={f.name}>
                    <input
                      type="checkbox"
                      checked={form.values[f.name] === true}
                      onChange={(e) => set(f.name, e.target.checked)}
                    />
                    {tk(`msg.field.${f.name}`, f.name)}
                  </label>
                ) : (
                  <div className="field" key={f.name}>
                    <label htmlFor={id(f.name)}>
                      {tk(`msg.field.${f.name}`, f.name)}
                      {f.required ? ' *' : ''}
                    </label>
                    <input
                      id={id(f.name)}
                      type={
                        f.kind === 'secret'
                          ? 'password'
                          : f.kind === 'number'
                            ? 'number'
                            : f.kind === 'url'
                              ? 'url'
                              : 'text'
                      }
                      autoComplete={f.kind === 'secret' ? 'new-password' : 'off'}
                      placeholder={
                        f.kind === 'secret' &&
                        stored?.provider === form.provider &&
                        stored.secretsSet.includes(f.name)
                          ? t('msg.channels.secretKept')
                          : (f.placeholder ?? '')
                      }
                      value={typeof form.values[f.name] === 'string' ? (form.values[f.name] as string) : ''}
                      onChange={(e) => set(f.name, e.target.value)}
                      aria-invalid={error?.fields[f.name] ? true : undefined}
                      aria-describedby={error?.fields[f.name] ? id(`${f.name}-err`) : undefined}
                    />
                    {f.kind === 'secret' &&
                    stored?.provider === form.provider &&
                    stored.secretsSet.includes(f.name) ? (
                      <span className="secret-state">
                        <span className="badge badge-on">{t('msg.channels.secretSet')}</span>
                        <label className="check small">
                          <input
                            type="checkbox"
                            checked={form.clear.has(f.name)}
                            onChange={(e) =>
                              setForm((s) => {
                                const clear = new Set(s.clear);
                                if (e.target.checked) clear.add(f.name);
                                else clear.delete(f.name);
                                return { ...s, clear };
                              })
                            }
                          />
                          {t('msg.channels.secretClear')}
                        </label>
                      </span>
                    ) : null}
                    {error?.fields[f.name] ? (
                      <span className="field-error" id={id(`${f.name}-err`)}>
                        {error.fields[f.name]}
                      </span>
                    ) : null}
                  </div>
                ),
              )}
              <div className="field">
                <label htmlFor={id('cost')}>{t('msg.channels.cost', { currency: fmt.currency })}</label>
                <input
                  id={id('cost')}
                  inputMode="decimal"
                  value={form.cost}
                  placeholder="0.00"
                  onChange={(e) => setForm((f) => ({ ...f, cost: e.target.value }))}
                />
              </div>
              <label className="check">
                <input
                  type="checkbox"
                  checked={form.enabled}
                  onChange={(e) => setForm((f) => ({ ...f, enabled: e.target.checked }))}
                />
                {t('msg.channels.enabled')}
              </label>
            </div>
            {form.provider === 'log' ? <p className="hint">{t('msg.channels.logHint')}</p> : null}
            {stored?.callbackUrl && stored.provider !== 'log' ? (
              <p className="hint">
                {t('msg.channels.callback')} <code className="break">{stored.callbackUrl}</code>
              </p>
            ) : null}
            <div className="form-actions">
              <button type="submit" className="btn btn-primary" disabled={busy}>
                {t('msg.save')}
              </button>
              {stored ? (
                <button type="button" className="btn" disabled={busy} onClick={remove}>
                  {t('msg.channels.remove')}
                </button>
              ) : null}
              <span role="status" aria-live="polite">
                {saved ? <span className="ok">{t('msg.saved')}</span> : null}
              </span>
              {error ? (
                <span className="field-error" role="alert">
                  {error.message}
                </span>
              ) : null}
            </div>
          </form>
          {stored ? <TestSend channel={channel} /> : null}
        </div>
      ) : null}
    </section>
  );
}

const TO_KEY: Record<MessageChannel, MessageKey> = {
  email: 'msg.test.toEmail',
  sms: 'msg.test.toPhone',
  whatsapp: 'msg.test.toPhone',
  telegram: 'msg.test.toChat',
  vk: 'msg.test.toChat',
  max: 'msg.test.toChat',
  webhook: 'msg.test.toAny',
};

function TestSend(props: { channel: MessageChannel }) {
  const { t } = useI18n();
  const { channel } = props;
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<ChannelTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setAnswer(null);
    setError(null);
    try {
      setAnswer(
        await messagingApi.testChannel(channel, {
          to: to.trim(),
          ...(text.trim() ? { text: text.trim() } : {}),
        }),
      );
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="test-send" onSubmit={submit} aria-label={t('msg.test.title')}>
      <h3 className="sub-title">{t('msg.test.title')}</h3>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`test-${channel}-to`}>{t(TO_KEY[channel])}</label>
          <input id={`test-${channel}-to`} required value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`test-${channel}-text`}>{t('msg.test.text')}</label>
          <input
            id={`test-${channel}-text`}
            value={text}
            placeholder={t('msg.test.textDefault')}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn" disabled={busy || to.trim() === ''}>
          {busy ? t('msg.test.sending') : t('msg.test.send')}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {answer ? (
          <div className={answer.ok ? 'test-answer ok-box' : 'test-answer fail-box'}>
            <strong>{answer.ok ? t('msg.test.ok') : t('msg.test.failed')}</strong>
            {answer.providerMessageId ? (
              <span>
                {' '}
                {t('msg.test.providerId')} <code>{answer.providerMessageId}</code>
              </span>
            ) : null}
            {answer.code ? <span> · {answer.code}</span> : null}
            {answer.reason ? <span> · {answer.reason}</span> : null}
            {answer.retryable !== undefined && !answer.ok ? (
              <span> · {t(answer.retryable ? 'msg.test.retryable' : 'msg.test.permanent')}</span>
            ) : null}
          </div>
        ) : null}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </form>
  );
}
