/**
 * TEMPORARY: sign in with an API key (kept in sessionStorage) until e-mail + password sign-in
 * (better-auth) lands. The key is checked against GET /api/settings before it is kept.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, api, type Settings } from '../api.ts';
import { LangSwitch } from '../components/LangSwitch.tsx';
import { useI18n } from '../i18n.tsx';
import { DEFAULT_SETTINGS } from '../workspace.tsx';

export function SignInPage(props: { expired: boolean; onSignedIn(key: string, settings: Settings): void }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${t('signin.title')}`;
    input.current?.focus();
  }, [t]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const k = key.trim();
    if (!k) return;
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(k, await api.checkKey(k));
    } catch (err) {
      // A key without settings:read is still a valid key.
      if (err instanceof ApiError && err.status === 403) props.onSignedIn(k, DEFAULT_SETTINGS);
      else setError(t('signin.bad', { message: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <div className="signin-card">
        <div className="signin-head">
          <h1>{t('signin.title')}</h1>
          <LangSwitch />
        </div>
        <p className="muted">{t('app.tagline')}</p>
        <p className="notice" id="signin-temporary">
          {t('signin.temporary')}
        </p>
        {props.expired ? (
          <p className="error" role="alert">
            {t('signin.expired')}
          </p>
        ) : null}
        <form onSubmit={submit} aria-describedby="signin-temporary">
          <label htmlFor="api-key">{t('signin.key')}</label>
          <input
            ref={input}
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'signin-error' : 'signin-hint'}
            required
          />
          {error ? (
            <p className="field-error" id="signin-error" role="alert">
              {error}
            </p>
          ) : null}
          <p className="hint" id="signin-hint">
            {t('signin.hint')}
          </p>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('signin.checking') : t('signin.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
