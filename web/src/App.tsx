/**
 * The app: sign-in gate, workspace settings, layout and the page for the current route.
 */
import {
  type FormEvent,
  lazy,
  type ReactNode,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { ApiError, api, type Settings, setUnauthorizedHandler } from './api.ts';
import { authApi, type MeView } from './api-auth.ts';
import { MeContext, setWorkspaceId, useMe } from './auth.ts';
import { LangSwitch } from './components/LangSwitch.tsx';
import { ErrorBox, Loading } from './components/ui.tsx';
import { I18nProvider, useI18n } from './i18n.tsx';
import type { MessageKey } from './messages.ts';
import { CampaignsPage } from './pages/Campaigns.tsx';
import { CustomerCardPage } from './pages/CustomerCard.tsx';
import { CustomersPage } from './pages/Customers.tsx';
import { ImportPage } from './pages/Import.tsx';
import { SegmentsPage } from './pages/Segments.tsx';
import { SettingsPage } from './pages/Settings.tsx';
import { SignInPage } from './pages/SignIn.tsx';
import './styles/auth.css';
import { ApiKeysPage } from './pages/settings/ApiKeys.tsx';
import { AuditPage } from './pages/settings/Audit.tsx';
import { ChannelsPage } from './pages/settings/Channels.tsx';
import { MessagingSettingsPage } from './pages/settings/Messaging.tsx';
import { UsersSettingsPage } from './pages/settings/Users.tsx';
import { WebhooksPage } from './pages/settings/Webhooks.tsx';
import { href, navigate, type Route, useRoute } from './router.ts';
import { DEFAULT_SETTINGS, useWorkspace, WorkspaceContext } from './workspace.tsx';

// The dashboard carries ECharts (most of the bundle): it loads on its own, after sign-in.
const DashboardPage = lazy(() => import('./pages/Dashboard.tsx').then((m) => ({ default: m.DashboardPage })));

export function App() {
  // undefined: still asking the server whether the session cookie is good; null: signed out.
  const [me, setMe] = useState<MeView | null | undefined>(undefined);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [expired, setExpired] = useState(false);
  const [checkError, setCheckError] = useState<Error | null>(null);
  const [check, setCheck] = useState(0);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setMe(null);
      setSettings(null);
      setExpired(true);
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: check is the retry trigger
  useEffect(() => {
    const ctl = new AbortController();
    setCheckError(null);
    authApi.currentUser({ signal: ctl.signal }).then(setMe, (e: unknown) => {
      if (!ctl.signal.aborted) setCheckError(e instanceof Error ? e : new Error(String(e)));
    });
    return () => ctl.abort();
  }, [check]);

  const signOut = useCallback(() => {
    void authApi
      .signOut()
      .catch(() => {})
      .finally(() => {
        setMe(null);
        setSettings(null);
        setExpired(false);
      });
  }, []);

  return (
    <I18nProvider
      currency={settings?.currency ?? DEFAULT_SETTINGS.currency}
      timeZone={settings?.timezone ?? DEFAULT_SETTINGS.timezone}
    >
      {me ? (
        <MeContext.Provider value={me}>
          <SignedIn settings={settings} setSettings={setSettings} signOut={signOut} />
        </MeContext.Provider>
      ) : me === null ? (
        <SignInPage
          expired={expired}
          onSignedIn={(m) => {
            setSettings(null);
            setExpired(false);
            setMe(m);
          }}
        />
      ) : (
        <main id="main" className="center-page">
          {checkError ? <ErrorBox error={checkError} retry={() => setCheck((n) => n + 1)} /> : <Loading />}
        </main>
      )}
    </I18nProvider>
  );
}

function SignedIn(props: { settings: Settings | null; setSettings(s: Settings): void; signOut(): void }) {
  const { settings, setSettings } = props;
  const [error, setError] = useState<Error | null>(null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the retry trigger
  useEffect(() => {
    if (settings) return;
    const ctl = new AbortController();
    api.settings({ signal: ctl.signal }).then(setSettings, (e: unknown) => {
      if (ctl.signal.aborted) return;
      // A key without settings:read still works: format with the defaults.
      if (e instanceof ApiError && e.status === 403) setSettings(DEFAULT_SETTINGS);
      else setError(e instanceof Error ? e : new Error(String(e)));
    });
    return () => ctl.abort();
  }, [settings, setSettings, attempt]);

  const ws = useMemo(
    () => (settings ? { settings, setSettings, signOut: props.signOut } : null),
    [settings, setSettings, props.signOut],
  );

  if (!ws) {
    return (
      <main id="main" className="center-page">
        {error ? (
          <ErrorBox
            error={error}
            retry={() => {
              setError(null);
              setAttempt((n) => n + 1);
            }}
          />
        ) : (
          <Loading />
        )}
      </main>
    );
  }
  return (
    <WorkspaceContext.Provider value={ws}>
      <Shell />
    </WorkspaceContext.Provider>
  );
}

const NAV: { path: string; label: MessageKey; icon: ReactNode }[] = [
  {
    path: '/',
    label: 'nav.dashboard',
    icon: <path d="M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z" />,
  },
  {
    path: '/customers',
    label: 'nav.customers',
    icon: (
      <path d="M16 11a4 4 0 1 0-4-4 4 4 0 0 0 4 4zm-8 0a3 3 0 1 0-3-3 3 3 0 0 0 3 3zm0 2c-2.7 0-7 1.3-7 4v3h7v-3c0-1.1.6-2.2 1.7-3.1A11 11 0 0 0 8 13zm8 0c-2.7 0-8 1.3-8 4v3h16v-3c0-2.7-5.3-4-8-4z" />
    ),
  },
  {
    path: '/segments',
    label: 'nav.segments',
    icon: <path d="M4 5h16v2H4zm3 6h10v2H7zm3 6h4v2h-4z" />,
  },
  {
    path: '/campaigns',
    label: 'nav.campaigns',
    icon: (
      <path d="M3 10v4h3l5 4V6L6 10zm13.5 2A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z" />
    ),
  },
  {
    path: '/import',
    label: 'nav.import',
    icon: <path d="M5 20h14v-2H5zm7-16-5.5 5.5 1.4 1.4L11 7.8V16h2V7.8l3.1 3.1 1.4-1.4z" />,
  },
  {
    path: '/settings',
    label: 'nav.settings',
    icon: (
      <path d="M19.4 13a7.8 7.8 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.8 7.8 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.3 7.3 0 0 0 1.7 1L11 21h4l.4-2.9a7.3 7.3 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 3.5-3.5 3.5 3.5 0 0 1-3.5 3.5z" />
    ),
  },
];

function section(route: Route): string {
  return route.parts[0] ? `/${route.parts[0]}` : '/';
}

function Page(props: { route: Route }) {
  const { route } = props;
  const [first, second] = route.parts;
  if (!first) return <DashboardPage />;
  if (first === 'customers' && second && /^\d+$/.test(second))
    return <CustomerCardPage id={Number(second)} />;
  if (first === 'customers') return <CustomersPage route={route} />;
  if (first === 'import') return <ImportPage />;
  if (first === 'segments') return <SegmentsPage route={route} />;
  if (first === 'campaigns') return <CampaignsPage route={route} />;
  if (first === 'settings') {
    if (second === 'users') return <UsersSettingsPage route={route} />;
    if (second === 'keys') return <ApiKeysPage route={route} />;
    if (second === 'audit') return <AuditPage route={route} />;
    if (second === 'channels') return <ChannelsPage route={route} />;
    if (second === 'messaging') return <MessagingSettingsPage route={route} />;
    if (second === 'webhooks') return <WebhooksPage route={route} />;
    return <SettingsPage />;
  }
  return <DashboardPage />;
}

function Shell() {
  const { t } = useI18n();
  const route = useRoute();
  const current = section(route);

  return (
    <>
      {/* A button, not a link: with hash routing, href="#main" would be a route. */}
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        {t('skip')}
      </button>
      <div className="shell">
        <header className="topbar">
          <a className="brand" href={href('/')}>
            <Logo />
            <span className="brand-name">{t('app.name')}</span>
          </a>
          {current === '/customers' && route.parts.length === 1 ? <div className="grow" /> : <QuickSearch />}
          <UserMenu />
        </header>
        <nav className="sidebar" aria-label={t('nav.main')}>
          <ul>
            {NAV.map((item) => (
              <li key={item.path}>
                <a href={href(item.path)} aria-current={current === item.path ? 'page' : undefined}>
                  <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    {item.icon}
                  </svg>
                  <span>{t(item.label)}</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Suspense fallback={<Loading />}>
            <Page route={route} />
          </Suspense>
        </main>
      </div>
    </>
  );
}

function Logo() {
  return (
    <svg className="logo" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <circle cx="16" cy="16" r="14" fill="currentColor" />
      <path d="M21 11a7 7 0 1 0 0 10" stroke="#fff" strokeWidth="3" fill="none" strokeLinecap="round" />
    </svg>
  );
}

/** The front desk's box: type a phone (any spelling), an e-mail or a name, get the customer. */
function QuickSearch() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(href('/customers', { q: q.trim() }));
    setQ('');
  };
  return (
    <search className="quick-search">
      <form onSubmit={submit}>
        <label htmlFor="quick-search" className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          id="quick-search"
          type="search"
          inputMode="search"
          autoComplete="off"
          placeholder={t('search.placeholder')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="submit" className="btn">
          {t('search.go')}
        </button>
      </form>
    </search>
  );
}

function UserMenu() {
  const { t } = useI18n();
  const me = useMe();
  const who = me.user ? me.user.name || me.user.email : t('auth.viaKey', { name: me.key?.name ?? '' });
  return (
    <div className="user-menu">
      <div className="user-who" title={me.user?.email}>
        <span className="user-name">{who}</span>
        <span className="user-role">{t(`role.${me.role}`)}</span>
      </div>
      {me.workspaces.length > 1 ? (
        <label className="user-workspace">
          <span className="visually-hidden">{t('auth.workspace')}</span>
          <select
            value={me.workspace.id}
            onChange={(e) => {
              // Everything on screen belongs to the old workspace: start over in the new one.
              setWorkspaceId(Number(e.target.value));
              window.location.reload();
            }}
          >
            {me.workspaces.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <LangSwitch />
      <SignOutButton>{t('auth.signOut')}</SignOutButton>
    </div>
  );
}

function SignOutButton(props: { children: ReactNode }) {
  const ws = useWorkspace();
  return (
    <button type="button" className="btn btn-quiet sign-out" onClick={ws.signOut}>
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d="M10 17v-3H3v-4h7V7l5 5zm9-14H11v2h8v14h-8v2h8a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2z" />
      </svg>
      <span className="long">{props.children}</span>
    </button>
  );
}
