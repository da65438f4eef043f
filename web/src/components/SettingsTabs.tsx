/** The tabs above every settings page: one link per part of the settings. */
import { useI18n } from '../i18n.tsx';
import type { MessageKey } from '../messages.ts';
import { href, useRoute } from '../router.ts';

const TABS: { path: string; label: MessageKey }[] = [
  { path: '/settings', label: 'settings.tab.business' },
  { path: '/settings/users', label: 'settings.tab.users' },
  { path: '/settings/keys', label: 'settings.tab.keys' },
  { path: '/settings/channels', label: 'settings.tab.channels' },
  { path: '/settings/messaging', label: 'settings.tab.messaging' },
  { path: '/settings/webhooks', label: 'settings.tab.webhooks' },
  { path: '/settings/audit', label: 'settings.tab.audit' },
];

export function SettingsTabs() {
  const { t } = useI18n();
  const route = useRoute();
  return (
    <nav className="tabs" aria-label={t('settings.tabs')}>
      {TABS.map((tab) => (
        <a key={tab.path} href={href(tab.path)} aria-current={route.path === tab.path ? 'page' : undefined}>
          {t(tab.label)}
        </a>
      ))}
    </nav>
  );
}
