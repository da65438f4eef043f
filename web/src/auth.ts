/**
 * TEMPORARY sign-in: an API key kept in sessionStorage (this tab only, gone when it closes).
 * It goes away when e-mail + password sign-in (a better-auth session cookie) lands; then
 * requests carry the cookie and this module shrinks to "am I signed in".
 */
const KEY = 'comeback.apiKey';

export function getApiKey(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setApiKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function clearApiKey(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled: nothing stored either
  }
}
