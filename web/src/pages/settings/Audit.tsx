/**
 * Settings: the audit log. Who changed what and when, newest first, filtered by actor, action,
 * entity and time, with "show more" paging (the API's cursor). Owner only (audit:read).
 */
import { type FormEvent, useId, useState } from 'react';
import { type AuditEntryView, type AuditFilter, authApi } from '../../api-auth.ts';
import { useCan } from '../../auth.ts';
import { SettingsTabs } from '../../components/SettingsTabs.tsx';
import { ErrorBox, Loading, PageTitle } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { Route } from '../../router.ts';
import '../../styles/auth.css';

export function AuditPage(_props: { route: Route }) {
  const { t } = useI18n();
  const canRead = useCan('audit:read');
  return (
    <>
      <SettingsTabs />
      <PageTitle title={t('audit.title')}>{t('audit.title')}</PageTitle>
      <p className="muted">{t('audit.about')}</p>
      {canRead ? <AuditLog /> : <p className="notice">{t('audit.onlyOwner')}</p>}
    </>
  );
}

/** A `datetime-local` value (the browser's zone) as an instant, or undefined when empty. */
function instant(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

const EMPTY = { actor: '', action: '', entity: '', from: '', to: '' };

function AuditLog() {
  const { t } = useI18n();
  const id = useId();
  const [draft, setDraft] = useState(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>({});
  const first = useLoad(
    (signal) => authApi.audit({ ...filter, limit: 50 }, { signal }),
    [JSON.stringify(filter)],
  );
  const [more, setMore] = useState<{ items: AuditEntryView[]; cursor: string | null; forKey: string } | null>(
    null,
  );
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<Error | null>(null);
  const key = JSON.stringify(filter);
  const extra = more && more.forKey === key ? more : null;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const cursor = extra ? extra.cursor : (first.data?.next_cursor ?? null);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const f: AuditFilter = {};
    if (draft.actor.trim()) f.actor = draft.actor.trim();
    if (draft.action.trim()) f.action = draft.action.trim();
    if (draft.entity.trim()) f.entity = draft.entity.trim();
    const from = instant(draft.from);
    const to = instant(draft.to);
    if (from) f.from = from;
    if (to) f.to = to;
    setMore(null);
    setFilter(f);
  };

  const loadMore = async () => {
    if (!cursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await authApi.audit({ ...filter, cursor, limit: 50 });
      setMore({ items: [...(extra?.items ?? []), ...page.items], cursor: page.next_cursor, forKey: key });
    } catch (e) {
      setMoreError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setLoadingMore(false);
    }
  };

  const field = (name: keyof typeof EMPTY, label: string, type = 'text', placeholder?: string) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <input
        id={`${id}-${name}`}
        type={type}
        value={draft[name]}
        placeholder={placeholder}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
      />
    </div>
  );

  return (
    <>
      <form className="card auth-section" onSubmit={apply} aria-label={t('audit.apply')}>
        <div className="audit-filters">
          {field('actor', t('audit.actor'), 'search', t('audit.actorPlaceholder'))}
          {field('action', t('audit.action'), 'search', t('audit.actionPlaceholder'))}
          {field('entity', t('audit.entity'))}
          {field('from', t('audit.from'), 'datetime-local')}
          {field('to', t('audit.to'), 'datetime-local')}
          <div className="auth-actions">
            <button type="submit" className="btn btn-primary">
              {t('audit.apply')}
            </button>
            <button
              type="button"
              className="btn btn-quiet"
              onClick={() => {
                setDraft(EMPTY);
                setMore(null);
                setFilter({});
              }}
            >
              {t('audit.reset')}
            </button>
          </div>
        </div>
      </form>
      {first.error ? <ErrorBox error={first.error} retry={first.reload} /> : null}
      {first.loading && !first.data ? <Loading /> : null}
      {first.data && items.length === 0 ? <p className="muted">{t('audit.none')}</p> : null}
      {items.length > 0 ? (
        <div className="table-scroll">
          <table className="data auth-table" aria-live="polite">
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.what')}</th>
                <th scope="col">{t('audit.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <Entry key={e.id} entry={e} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {moreError ? <ErrorBox error={moreError} retry={() => void loadMore()} /> : null}
      {cursor ? (
        <div className="form-actions">
          <button type="button" className="btn" disabled={loadingMore} onClick={() => void loadMore()}>
            {loadingMore ? t('loading') : t('audit.more')}
          </button>
        </div>
      ) : null}
    </>
  );
}

function Entry(props: { entry: AuditEntryView }) {
  const { t, tk, fmt } = useI18n();
  const e = props.entry;
  const isEvent = !e.action.includes(' ');
  const changes = Object.keys(e.changes).length > 0 ? JSON.stringify(e.changes, null, 1) : '';
  return (
    <tr>
      <td data-label={t('audit.when')}>{fmt.dateTime(e.at)}</td>
      <th scope="row" data-label={t('audit.actor')}>
        {e.actor.label}
        {e.ip_address ? (
          <>
            <br />
            <span className="muted">{t('audit.ip', { ip: e.ip_address })}</span>
          </>
        ) : null}
      </th>
      <td data-label={t('audit.what')} className="audit-action">
        {isEvent ? tk(`audit.event.${e.action}`, e.action) : <code>{e.action}</code>}
        {e.entity_id ? <span className="muted"> #{e.entity_id}</span> : null}
      </td>
      <td data-label={t('audit.changes')}>
        {changes ? <pre className="audit-changes">{changes}</pre> : null}
      </td>
    </tr>
  );
}
