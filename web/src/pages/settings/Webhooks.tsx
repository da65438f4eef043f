/**
 * Settings: outgoing webhooks. Add an endpoint (URL, events), see its signing secret once,
 * send a test, enable/disable or resume a failing one, rotate the secret, and read the recent
 * deliveries with their status and every attempt's result.
 */
import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../../api.ts';
import {
  WEBHOOK_EVENTS,
  type Webhook,
  type WebhookDelivery,
  type WebhookEvent,
  webhooksApi,
} from '../../api-notes.ts';
import { SettingsTabs } from '../../components/SettingsTabs.tsx';
import { ErrorBox, Loading, PageTitle } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { Route } from '../../router.ts';
import '../../styles/notes.css';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function WebhooksPage(_props: { route: Route }) {
  const { t } = useI18n();
  const loaded = useLoad((signal) => webhooksApi.list({ signal }), []);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const forbidden = loaded.error instanceof ApiError && loaded.error.status === 403;

  return (
    <>
      <SettingsTabs />
      <PageTitle title={t('hooks.title')}>{t('hooks.title')}</PageTitle>
      <p className="muted">
        {t('hooks.intro')} <a href="/api/docs#tag/webhooks">{t('hooks.docs')}</a>
      </p>
      {forbidden ? <p className="notice">{t('hooks.ownerOnly')}</p> : null}
      {loaded.error && !forbidden ? <ErrorBox error={loaded.error} retry={loaded.reload} /> : null}
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {secret ? <SecretOnce url={secret.url} secret={secret.secret} onDone={() => setSecret(null)} /> : null}
      {loaded.data ? (
        <>
          {loaded.data.items.length === 0 ? <p className="muted">{t('hooks.none')}</p> : null}
          <ul className="hook-list">
            {loaded.data.items.map((w) => (
              <HookCard key={w.id} hook={w} onChanged={loaded.reload} onSecret={setSecret} />
            ))}
          </ul>
          <CreateForm
            onCreated={(url, s) => {
              setSecret({ url, secret: s });
              loaded.reload();
            }}
          />
        </>
      ) : null}
    </>
  );
}

function SecretOnce(props: { url: string; secret: string; onDone(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <section className="hook-secret" role="alert">
      <p>
        {t('hooks.secretOnce')} <span className="hook-url">{props.url}</span>
      </p>
      <code>{props.secret}</code>
      <div className="hook-actions">
        <button
          type="button"
          className="btn"
          onClick={() =>
            void navigator.clipboard?.writeText(props.secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? t('hooks.copied') : t('hooks.copy')}
        </button>
        <button type="button" className="btn btn-primary" onClick={props.onDone}>
          {t('hooks.dismiss')}
        </button>
      </div>
    </section>
  );
}

function CreateForm(props: { onCreated(url: string, secret: string): void }) {
  const { t } = useI18n();
  const id = useId();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['order.created', 'status.changed']);
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFields({});
    setError(null);
    try {
      const created = await webhooksApi.create({ url, events, ...(description ? { description } : {}) });
      setUrl('');
      setDescription('');
      props.onCreated(created.url, created.secret ?? '');
    } catch (err) {
      if (err instanceof ApiError) setFields(err.fieldProblems());
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  const eventsError = Object.entries(fields).find(([k]) => k.startsWith('events'))?.[1];
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        {t('hooks.new')}
      </h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-url`}>{t('hooks.url')}</label>
          <input
            id={`${id}-url`}
            type="url"
            required
            inputMode="url"
            placeholder="https://"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            aria-describedby={fields.url ? `${id}-url-err` : undefined}
          />
          {fields.url ? (
            <span id={`${id}-url-err`} className="field-error">
              {fields.url}
            </span>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor={`${id}-desc`}>{t('hooks.description')}</label>
          <input
            id={`${id}-desc`}
            maxLength={500}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
      </div>
      <fieldset>
        <legend>{t('hooks.events')}</legend>
        <div className="hook-events">
          {WEBHOOK_EVENTS.map((ev) => (
            <label className="check" key={ev}>
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) =>
                  setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))
                }
              />
              {t(`hooks.event.${ev}`)} <code className="muted small">{ev}</code>
            </label>
          ))}
        </div>
        {eventsError ? <span className="field-error">{eventsError}</span> : null}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || events.length === 0}>
          {busy ? t('hooks.creating') : t('hooks.create')}
        </button>
        <span aria-live="polite" className="field-error">
          {error && Object.keys(fields).length === 0 ? error : null}
        </span>
      </div>
    </form>
  );
}

function HookCard(props: {
  hook: Webhook;
  onChanged(): void;
  onSecret(s: { url: string; secret: string }): void;
}) {
  const { t, tk, fmt } = useI18n();
  const w = props.hook;
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const deliveries = useLoad((signal) => webhooksApi.deliveries(w.id, { limit: 10 }, { signal }), [w.id]);
  const [older, setOlder] = useState<WebhookDelivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const next = cursor ?? (older.length === 0 ? (deliveries.data?.next_cursor ?? null) : null);

  const act = async (name: string, fn: () => Promise<void>) => {
    setBusy(name);
    setResult(null);
    try {
      await fn();
    } catch (err) {
      setResult({ ok: false, text: message(err) });
    } finally {
      setBusy(null);
    }
  };

  const test = () =>
    act('test', async () => {
      const d = await webhooksApi.test(w.id);
      const last = d.attempt_log.at(-1);
      setResult(
        d.status === 'delivered'
          ? {
              ok: true,
              text: t('hooks.testOk', { code: d.last_status_code ?? 0, ms: last?.duration_ms ?? 0 }),
            }
          : { ok: false, text: t('hooks.testFailed', { error: d.last_error ?? '—' }) },
      );
      deliveries.reload();
      props.onChanged();
    });
  const setEnabled = (enabled: boolean) =>
    act('enable', async () => {
      await webhooksApi.patch(w.id, { enabled });
      props.onChanged();
    });
  const rotate = () =>
    act('rotate', async () => {
      if (!window.confirm(t('hooks.confirmRotate'))) return;
      const r = await webhooksApi.patch(w.id, { rotate_secret: true });
      if (r.secret) props.onSecret({ url: r.url, secret: r.secret });
    });
  const remove = () =>
    act('delete', async () => {
      if (!window.confirm(t('hooks.confirmDelete'))) return;
      await webhooksApi.remove(w.id);
      props.onChanged();
    });
  const more = () =>
    act('more', async () => {
      if (!next) return;
      const page = await webhooksApi.deliveries(w.id, { limit: 20, cursor: next });
      setOlder((o) => [...o, ...page.items]);
      setCursor(page.next_cursor);
    });

  const items = [...(deliveries.data?.items ?? []), ...older];
  const titleId = `hook-${w.id}-title`;
  return (
    <li className="card" aria-labelledby={titleId}>
      <div className="hook-head">
        <h2 id={titleId} className="card-title hook-url">
          {w.url}
        </h2>
        <span className={`badge hook-state-${w.state}`}>{t(`hooks.state.${w.state}`)}</span>
      </div>
      {w.description ? <p>{w.description}</p> : null}
      <p className="small">
        {w.events.map((e) => tk(`hooks.event.${e}`, e)).join(' · ')}
        {w.last_success_at ? (
          <span className="muted">
            {' '}
            · {t('hooks.lastSuccess', { when: fmt.dateTime(w.last_success_at) })}
          </span>
        ) : null}
      </p>
      {w.state === 'failing' ? (
        <p className="field-error">
          {t('hooks.failingHelp', { n: w.consecutive_failures, when: fmt.dateTime(w.failing_since) })}
        </p>
      ) : null}
      <div className="hook-actions">
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void test()}>
          {busy === 'test' ? t('hooks.testing') : t('hooks.test')}
        </button>
        {w.state === 'failing' ? (
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy !== null}
            onClick={() => void setEnabled(true)}
          >
            {t('hooks.resume')}
          </button>
        ) : (
          <button
            type="button"
            className="btn"
            disabled={busy !== null}
            onClick={() => void setEnabled(!w.enabled)}
          >
            {w.enabled ? t('hooks.disable') : t('hooks.enable')}
          </button>
        )}
        <button type="button" className="btn" disabled={busy !== null} onClick={() => void rotate()}>
          {t('hooks.rotate')}
        </button>
        <button
          type="button"
          className="btn btn-quiet"
          disabled={busy !== null}
          onClick={() => void remove()}
        >
          {t('hooks.delete')}
        </button>
      </div>
      <p aria-live="polite" className={result?.ok ? 'ok' : 'field-error'}>
        {result?.text}
      </p>

      <h3 className="notes-sub">{t('hooks.deliveries')}</h3>
      {deliveries.error ? <ErrorBox error={deliveries.error} retry={deliveries.reload} /> : null}
      {deliveries.data && items.length === 0 ? <p className="muted">{t('hooks.noDeliveries')}</p> : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="delivery-table">
            <caption className="visually-hidden">{t('hooks.deliveries')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('hooks.col.when')}</th>
                <th scope="col">{t('hooks.col.event')}</th>
                <th scope="col">{t('hooks.col.status')}</th>
                <th scope="col">{t('hooks.col.attempts')}</th>
                <th scope="col">{t('hooks.col.result')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td>{fmt.dateTime(d.created_at)}</td>
                  <td>
                    <code>{d.type}</code>
                  </td>
                  <td className={`dstatus-${d.status}`}>
                    {t(`hooks.dstatus.${d.status}`)}
                    {d.next_attempt_at ? (
                      <div className="muted small">
                        {t('hooks.nextTry', { when: fmt.dateTime(d.next_attempt_at) })}
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {d.attempts} / {d.max_attempts}
                  </td>
                  <td
                    title={d.attempt_log.map((a) => `${a.at} ${a.status_code ?? a.error ?? ''}`).join('\n')}
                  >
                    {d.last_status_code !== null ? `HTTP ${d.last_status_code}` : (d.last_error ?? '—')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next ? (
        <button type="button" className="btn btn-quiet" disabled={busy !== null} onClick={() => void more()}>
          {t('hooks.moreDeliveries')}
        </button>
      ) : null}
    </li>
  );
}
