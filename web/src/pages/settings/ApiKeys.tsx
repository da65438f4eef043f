/**
 * Settings: API keys for integrations. The list (never the secrets), creating a key with a role
 * (a manager key with its staff member) and optional narrower scopes, the token shown once with
 * a copy button, and revoking. Owner only (keys:manage); others see why the page is empty.
 */
import { type FormEvent, useId, useState } from 'react';
import { ApiError, api, type StaffList } from '../../api.ts';
import {
  type ApiKeyView,
  authApi,
  type PermissionName,
  ROLE_NAMES,
  ROLE_SCOPES,
  type RoleName,
} from '../../api-auth.ts';
import { useCan } from '../../auth.ts';
import { SettingsTabs } from '../../components/SettingsTabs.tsx';
import { ErrorBox, Loading, PageTitle } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { Route } from '../../router.ts';
import '../../styles/auth.css';

export function ApiKeysPage(_props: { route: Route }) {
  const { t } = useI18n();
  const canManage = useCan('keys:manage');
  return (
    <>
      <SettingsTabs />
      <PageTitle title={t('keys.title')}>{t('keys.title')}</PageTitle>
      <p className="muted">
        {t('keys.about')} <a href="/api/docs">/api/docs</a>
      </p>
      {canManage ? <Keys /> : <p className="notice">{t('keys.onlyOwner')}</p>}
    </>
  );
}

function Keys() {
  const { t } = useI18n();
  const keys = useLoad((signal) => authApi.keys({ signal }), []);
  const staff = useLoad((signal) => api.staff({ signal }), []);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  return (
    <>
      {created ? (
        <TokenOnce name={created.name} token={created.token} onDone={() => setCreated(null)} />
      ) : null}
      <section className="card auth-section" aria-labelledby="keys-h">
        <h2 id="keys-h" className="visually-hidden">
          {t('keys.title')}
        </h2>
        {keys.error ? <ErrorBox error={keys.error} retry={keys.reload} /> : null}
        {keys.loading && !keys.data ? <Loading /> : null}
        {keys.data ? (
          keys.data.items.length === 0 ? (
            <p className="muted">{t('keys.none')}</p>
          ) : (
            <div className="table-scroll">
              <table className="data auth-table">
                <thead>
                  <tr>
                    <th scope="col">{t('keys.name')}</th>
                    <th scope="col">{t('keys.role')}</th>
                    <th scope="col">{t('keys.scopes')}</th>
                    <th scope="col">{t('keys.created')}</th>
                    <th scope="col">{t('keys.lastUsed')}</th>
                    <th scope="col">{t('keys.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {[...keys.data.items].reverse().map((k) => (
                    <KeyRow key={k.id} apiKey={k} staff={staff.data?.items ?? []} onRevoked={keys.reload} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : null}
      </section>
      <CreateKey
        staff={staff.data?.items ?? []}
        onCreated={(name, token) => {
          setCreated({ name, token });
          keys.reload();
        }}
      />
    </>
  );
}

function KeyRow(props: { apiKey: ApiKeyView; staff: StaffList['items']; onRevoked(): void }) {
  const { t, fmt } = useI18n();
  const k = props.apiKey;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const staffName = props.staff.find((s) => s.id === k.manager_staff_id)?.name;
  const revoke = async () => {
    if (!window.confirm(t('keys.revokeConfirm', { name: k.name }))) return;
    setBusy(true);
    setError(null);
    try {
      await authApi.revokeKey(k.id);
      props.onRevoked();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr className={k.revoked_at ? 'auth-revoked' : undefined}>
      <th scope="row">
        {k.name} <span className="muted">#{k.id}</span>
      </th>
      <td data-label={t('keys.role')}>
        {t(`role.${k.role}`)}
        {k.manager_staff_id !== null ? ` · ${staffName ?? `#${k.manager_staff_id}`}` : ''}
      </td>
      <td data-label={t('keys.scopes')}>{k.scopes ? k.scopes.join(', ') : t('keys.allScopes')}</td>
      <td data-label={t('keys.created')}>{fmt.dateTime(k.created_at)}</td>
      <td data-label={t('keys.lastUsed')}>
        {k.last_used_at ? fmt.dateTime(k.last_used_at) : t('keys.never')}
      </td>
      <td data-label={t('keys.status')}>
        {k.revoked_at ? (
          t('keys.revoked', { date: fmt.dateTime(k.revoked_at) })
        ) : (
          <div className="auth-actions">
            <span>{t('keys.active')}</span>
            <button
              type="button"
              className="btn btn-quiet"
              disabled={busy}
              onClick={() => void revoke()}
              aria-label={`${t('keys.revoke')}: ${k.name}`}
            >
              {t('keys.revoke')}
            </button>
          </div>
        )}
        {error ? (
          <span className="field-error" role="alert">
            {error}
          </span>
        ) : null}
      </td>
    </tr>
  );
}

function TokenOnce(props: { name: string; token: string; onDone(): void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <section className="auth-token" role="alert" aria-label={t('keys.token', { name: props.name })}>
      <p>{t('keys.token', { name: props.name })}</p>
      <code data-testid="api-key-token">{props.token}</code>
      <div className="auth-actions">
        <button
          type="button"
          className="btn"
          onClick={() =>
            void navigator.clipboard?.writeText(props.token).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? t('keys.copied') : t('keys.copy')}
        </button>
        <button type="button" className="btn btn-primary" onClick={props.onDone}>
          {t('keys.done')}
        </button>
      </div>
    </section>
  );
}

function CreateKey(props: { staff: StaffList['items']; onCreated(name: string, token: string): void }) {
  const { t } = useI18n();
  const id = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<RoleName>('marketer');
  const [staffId, setStaffId] = useState<number | null>(null);
  const [scopes, setScopes] = useState<PermissionName[]>([]);
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const allowed = ROLE_SCOPES[role];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFields({});
    setError(null);
    try {
      const chosen = scopes.filter((s) => allowed.includes(s));
      const r = await authApi.createKey({
        name: name.trim(),
        role,
        ...(role === 'manager' ? { manager_staff_id: staffId } : {}),
        ...(chosen.length > 0 ? { scopes: chosen } : {}),
      });
      setName('');
      setScopes([]);
      props.onCreated(r.key.name, r.token);
    } catch (err) {
      const f = err instanceof ApiError ? err.fieldProblems() : {};
      setFields(f);
      setError(Object.keys(f).length === 0 ? (err instanceof Error ? err.message : String(err)) : null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card auth-section" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('keys.create')}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('keys.name')}</label>
          <input
            id={`${id}-name`}
            required
            maxLength={200}
            placeholder={t('keys.namePlaceholder')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={fields.name ? true : undefined}
          />
          {fields.name ? <span className="field-error">{fields.name}</span> : null}
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('keys.role')}</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
            {ROLE_NAMES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </div>
        {role === 'manager' ? (
          <div className="field">
            <label htmlFor={`${id}-staff`}>{t('keys.staff')}</label>
            <select
              id={`${id}-staff`}
              required
              value={staffId ?? ''}
              onChange={(e) => setStaffId(e.target.value ? Number(e.target.value) : null)}
            >
              <option value="">{t('users.staffNone')}</option>
              {props.staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            {fields.manager_staff_id ? <span className="field-error">{fields.manager_staff_id}</span> : null}
          </div>
        ) : null}
      </div>
      <fieldset>
        <legend>{t('keys.narrow')}</legend>
        <div className="auth-scopes">
          {allowed.map((s) => (
            <label className="check" key={s}>
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              />
              <code>{s}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('keys.submit')}
        </button>
        <span className="field-error" role="status">
          {error}
        </span>
      </div>
    </form>
  );
}
