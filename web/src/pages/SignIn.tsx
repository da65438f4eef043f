/**
 * Sign in with e-mail and password. better-auth sets the httpOnly session cookie; the page then
 * asks GET /api/me who that is and hands the caller to the app.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api.ts';
import { authApi, type MeView } from '../api-auth.ts';
import { LangSwitch } from '../components/LangSwitch.tsx';
import { useI18n } from '../i18n.tsx';
import '../styles/auth.css';

export function SignInPage(props: { expired: boolean; onSignedIn(me: MeView): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const emailInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = t('auth.title');
    emailInput.current?.focus();
  }, [t]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await authApi.signIn(email.trim(), password);
      const me = await authApi.currentUser();
      if (!me) throw new ApiError(401, 'unauthorized', t('auth.wrong'), null);
      props.onSignedIn(me);
    } catch (err) {
      if (err instanceof ApiError && [400, 401, 422].includes(err.status)) setError(t('auth.wrong'));
      else if (err instanceof ApiError && err.status === 429) setError(t('auth.tooMany'));
      else setError(t('auth.failed', { message: err instanceof Error ? err.message : String(err) }));
      setPassword('');
      passwordInput.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <div className="signin-card">
        <div className="signin-head">
          <h1>{t('auth.title')}</h1>
          <LangSwitch />
        </div>
        <p className="muted">{t('app.tagline')}</p>
        {props.expired ? (
          <p className="notice" role="status">
            {t('auth.expired')}
          </p>
        ) : null}
        <form onSubmit={submit} noValidate={false} aria-describedby={error ? 'signin-error' : undefined}>
          <label htmlFor="signin-email">{t('auth.email')}</label>
          <input
            ref={emailInput}
            id="signin-email"
            name="email"
            type="email"
            inputMode="email"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error ? true : undefined}
            required
          />
          <label htmlFor="signin-password">{t('auth.password')}</label>
          <input
            ref={passwordInput}
            id="signin-password"
            name="password"
            type={show ? 'text' : 'password'}
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={error ? true : undefined}
            required
          />
          <label className="check auth-show">
            <input type="checkbox" checked={show} onChange={(e) => setShow(e.target.checked)} />
            {t('auth.showPassword')}
          </label>
          {error ? (
            <p className="field-error" id="signin-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('auth.signingIn') : t('auth.submit')}
          </button>
          <p className="hint">{t('auth.hint')}</p>
        </form>
      </div>
    </main>
  );
}
