/**
 * Settings: users and roles. Everyone changes their own password here; an owner also sees the
 * members, adds people with a role (a manager with the staff member whose customers they see)
 * and an initial password, changes roles, sets passwords and removes members. The workspace
 * keeps at least one owner (the server answers 409 `last_owner`, shown in words).
 */
import { type FormEvent, useId, useState } from 'react';
import { ApiError, api, type StaffList } from '../../api.ts';
import { authApi, type MemberView, ROLE_NAMES, type RoleName } from '../../api-auth.ts';
import { useCan, useMe } from '../../auth.ts';
import { SettingsTabs } from '../../components/SettingsTabs.tsx';
import { ErrorBox, Loading, PageTitle } from '../../components/ui.tsx';
import { useLoad } from '../../hooks.ts';
import { useI18n } from '../../i18n.tsx';
import type { MessageKey } from '../../messages.ts';
import type { Route } from '../../router.ts';
import '../../styles/auth.css';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A server refusal in words: our 409 codes get their own sentence. */
function explain(t: T, e: unknown): string {
  if (e instanceof ApiError && e.code === 'last_owner') return t('users.lastOwner');
  if (e instanceof ApiError && e.code === 'email_taken') return t('users.emailTaken');
  return e instanceof Error ? e.message : String(e);
}

function generatedPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = new Uint32Array(16);
  crypto.getRandomValues(bytes);
  // 2^32 is not a multiple of the alphabet; the bias is below 1e-8 per character.
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

export function UsersSettingsPage(_props: { route: Route }) {
  const { t } = useI18n();
  const canManage = useCan('users:manage');
  return (
    <>
      <SettingsTabs />
      <PageTitle title={t('users.title')}>{t('users.title')}</PageTitle>
      <OwnPassword />
      {canManage ? <Members /> : <p className="notice">{t('users.onlyOwner')}</p>}
    </>
  );
}

function OwnPassword() {
  const { t } = useI18n();
  const me = useMe();
  const id = useId();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  if (!me.user) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      await authApi.changePassword(current, next);
      setCurrent('');
      setNext('');
      setResult({ ok: true, text: t('users.passwordChanged') });
    } catch (err) {
      const fields = err instanceof ApiError ? err.fieldProblems() : {};
      setResult({ ok: false, text: fields.current_password ?? fields.new_password ?? explain(t, err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card auth-section" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('users.me')}</h2>
      <p>
        {me.user.name} · {me.user.email} · {t(`role.${me.role}`)}
        {me.manager_staff ? ` · ${t('users.staff')} ${me.manager_staff.name}` : ''}
      </p>
      <form onSubmit={submit}>
        <h3>{t('users.changePassword')}</h3>
        {/* For password managers: which account this form belongs to. */}
        <input type="email" autoComplete="username" value={me.user.email} readOnly hidden />
        <div className="form-grid">
          <div className="field">
            <label htmlFor={`${id}-cur`}>{t('users.currentPassword')}</label>
            <input
              id={`${id}-cur`}
              type="password"
              autoComplete="current-password"
              required
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-new`}>{t('users.newPassword')}</label>
            <input
              id={`${id}-new`}
              type="password"
              autoComplete="new-password"
              minLength={8}
              maxLength={128}
              required
              value={next}
              onChange={(e) => setNext(e.target.value)}
              aria-describedby={`${id}-rule`}
            />
            <span className="hint" id={`${id}-rule`}>
              {t('users.passwordRule')}
            </span>
          </div>
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {t('users.changePassword')}
          </button>
          <span className={result?.ok ? 'ok' : 'field-error'} role="status">
            {result?.text}
          </span>
        </div>
      </form>
    </section>
  );
}

function Members() {
  const { t } = useI18n();
  const members = useLoad((signal) => authApi.members({ signal }), []);
  const staff = useLoad((signal) => api.staff({ signal }), []);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const staffItems = staff.data?.items ?? [];

  return (
    <>
      <section className="card auth-section" aria-labelledby="members-h">
        <h2 id="members-h">{t('users.members')}</h2>
        <ul className="auth-role-help">
          {ROLE_NAMES.map((r) => (
            <li key={r}>
              <strong>{t(`role.${r}`)}</strong> — {t(`role.${r}.about`)}
            </li>
          ))}
        </ul>
        <p className={status?.ok ? 'ok auth-status' : 'field-error auth-status'} role="status">
          {status?.text}
        </p>
        {members.error ? <ErrorBox error={members.error} retry={members.reload} /> : null}
        {members.loading && !members.data ? <Loading /> : null}
        {members.data ? (
          members.data.items.length === 0 ? (
            <p className="muted">{t('users.none')}</p>
          ) : (
            <div className="table-scroll">
              <table className="data auth-table">
                <thead>
                  <tr>
                    <th scope="col">{t('users.name')}</th>
                    <th scope="col">{t('users.role')}</th>
                    <th scope="col">{t('users.staff')}</th>
                    <th scope="col">{t('users.since')}</th>
                    <th scope="col">{t('users.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {members.data.items.map((m) => (
                    <MemberRow
                      key={m.id}
                      member={m}
                      staff={staffItems}
                      onChanged={(text) => {
                        setStatus({ ok: true, text });
                        members.reload();
                      }}
                      onError={(text) => setStatus({ ok: false, text })}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : null}
      </section>
      <AddMember
        staff={staffItems}
        onAdded={(email) => {
          setStatus({ ok: true, text: t('users.added', { email }) });
          members.reload();
        }}
      />
    </>
  );
}

function MemberRow(props: {
  member: MemberView;
  staff: StaffList['items'];
  onChanged(text: string): void;
  onError(text: string): void;
}) {
  const { t, fmt } = useI18n();
  const me = useMe();
  const m = props.member;
  const [role, setRole] = useState<RoleName>(m.role);
  const [staffId, setStaffId] = useState<number | null>(m.staff_id);
  const [busy, setBusy] = useState(false);
  const dirty = role !== m.role || (role === 'manager' && staffId !== m.staff_id);

  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    try {
      props.onChanged(await fn());
    } catch (err) {
      props.onError(explain(t, err));
      setRole(m.role);
      setStaffId(m.staff_id);
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    run(async () => {
      await authApi.updateMember(m.id, role === 'manager' ? { role, staff_id: staffId } : { role });
      return t('users.saved');
    });
  const remove = () => {
    if (!window.confirm(t('users.removeConfirm', { email: m.email }))) return;
    void run(async () => {
      await authApi.removeMember(m.id);
      return t('users.removed', { email: m.email });
    });
  };
  const reset = () => {
    const password = window.prompt(t('users.resetPrompt', { email: m.email }));
    if (!password) return;
    void run(async () => {
      await authApi.setMemberPassword(m.id, password);
      return t('users.resetDone', { email: m.email });
    });
  };

  return (
    <tr>
      <th scope="row">
        {m.name} {me.user?.id === m.id ? <span className="muted">{t('users.you')}</span> : null}
        <br />
        <span className="muted">{m.email}</span>
      </th>
      <td data-label={t('users.role')}>
        <select
          aria-label={t('users.editRole', { email: m.email })}
          value={role}
          disabled={busy}
          onChange={(e) => setRole(e.target.value as RoleName)}
        >
          {ROLE_NAMES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </td>
      <td data-label={t('users.staff')}>
        {role === 'manager' ? (
          <select
            aria-label={t('users.editStaff', { email: m.email })}
            value={staffId ?? ''}
            disabled={busy}
            onChange={(e) => setStaffId(e.target.value ? Number(e.target.value) : null)}
          >
            <option value="">{t('users.staffNone')}</option>
            {props.staff.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td data-label={t('users.since')}>{fmt.dateTime(m.member_since)}</td>
      <td>
        <div className="auth-actions">
          {dirty ? (
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy || (role === 'manager' && staffId === null)}
              onClick={() => void save()}
            >
              {t('users.save')}
            </button>
          ) : null}
          <button type="button" className="btn" disabled={busy} onClick={reset}>
            {t('users.resetPassword')}
          </button>
          <button type="button" className="btn btn-quiet" disabled={busy} onClick={remove}>
            {t('users.remove')}
          </button>
        </div>
      </td>
    </tr>
  );
}

function AddMember(props: { staff: StaffList['items']; onAdded(email: string): void }) {
  const { t } = useI18n();
  const id = useId();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState(generatedPassword);
  const [role, setRole] = useState<RoleName>('manager');
  const [staffId, setStaffId] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setFields({});
    setError(null);
    try {
      const m = await authApi.addMember({
        email: email.trim(),
        name: name.trim() || null,
        password,
        role,
        ...(role === 'manager' ? { staff_id: staffId } : {}),
      });
      setEmail('');
      setName('');
      setPassword(generatedPassword());
      props.onAdded(m.email);
    } catch (err) {
      const f = err instanceof ApiError ? err.fieldProblems() : {};
      setFields(f);
      if (Object.keys(f).length === 0) setError(explain(t, err));
    } finally {
      setBusy(false);
    }
  };

  const err = (field: string) =>
    fields[field] ? (
      <span className="field-error" id={`${id}-${field}-err`}>
        {fields[field]}
      </span>
    ) : null;
  const described = (field: string, extra?: string) =>
    [fields[field] ? `${id}-${field}-err` : null, extra].filter(Boolean).join(' ') || undefined;

  return (
    <form className="card auth-section" onSubmit={submit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('users.add')}</h2>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-email`}>{t('users.email')}</label>
          <input
            id={`${id}-email`}
            type="email"
            inputMode="email"
            autoComplete="off"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={fields.email ? true : undefined}
            aria-describedby={described('email')}
          />
          {err('email')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t('users.name')}</label>
          <input id={`${id}-name`} maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>{t('users.role')}</label>
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
            <label htmlFor={`${id}-staff`}>{t('users.staff')}</label>
            <select
              id={`${id}-staff`}
              required
              value={staffId ?? ''}
              onChange={(e) => setStaffId(e.target.value ? Number(e.target.value) : null)}
              aria-invalid={fields.staff_id ? true : undefined}
              aria-describedby={described('staff_id')}
            >
              <option value="">{t('users.staffNone')}</option>
              {props.staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            {err('staff_id')}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('users.initialPassword')}</label>
          <div className="inline-field">
            <input
              id={`${id}-password`}
              type="text"
              autoComplete="new-password"
              spellCheck={false}
              minLength={8}
              maxLength={128}
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={fields.password ? true : undefined}
              aria-describedby={described('password', `${id}-pw-note`)}
            />
            <button type="button" className="btn" onClick={() => setPassword(generatedPassword())}>
              {t('users.generate')}
            </button>
          </div>
          {err('password')}
          <span className="hint" id={`${id}-pw-note`}>
            {t('users.passwordNote')}
          </span>
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {t('users.create')}
        </button>
        <span className="field-error" role="status">
          {error}
        </span>
      </div>
    </form>
  );
}
