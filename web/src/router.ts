/**
 * A hash router (#/customers?status=fan): works behind any static file server without
 * rewrites, and every view — filters included — is a link that can be bookmarked or shared.
 */
import { useSyncExternalStore } from 'react';

export interface Route {
  /** '/customers/42' */
  path: string;
  /** segments: ['customers', '42'] */
  parts: string[];
  query: URLSearchParams;
}

function read(): string {
  return window.location.hash.replace(/^#/, '') || '/';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function parseRoute(hash: string): Route {
  const [path = '/', search = ''] = hash.split('?', 2);
  const clean = path.startsWith('/') ? path : `/${path}`;
  return { path: clean, parts: clean.split('/').filter(Boolean), query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, read, () => '/');
  return parseRoute(hash);
}

export function href(path: string, query?: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

/** Go to a route; `replace` keeps the history entry (typing in a search box). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const target = to.startsWith('#') ? to : `#${to}`;
  if (opts.replace) {
    history.replaceState(history.state, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else window.location.hash = target;
}
