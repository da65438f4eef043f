/**
 * Signing a browser context in as the e2e app's owner, for tests that start past the sign-in
 * screen: the same sign-in the form does (POST /api/auth/sign-in/email), its session cookie
 * then handed to the browser. Tests call this and never build cookies themselves.
 */
import type { BrowserContext } from 'playwright-core';
import type { E2eApp } from './app.ts';

export async function signIn(context: BrowserContext, app: E2eApp): Promise<void> {
  const res = await fetch(`${app.url}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: app.url },
    body: JSON.stringify({ email: app.owner.email, password: app.owner.password }),
  });
  if (res.status !== 200) throw new Error(`e2e sign-in failed: ${res.status} ${await res.text()}`);
  const cookies = res.headers.getSetCookie().map((c) => {
    const [pair] = c.split(';');
    const at = pair!.indexOf('=');
    return {
      name: pair!.slice(0, at),
      value: pair!.slice(at + 1),
      url: app.url,
      httpOnly: true,
      sameSite: 'Lax' as const,
    };
  });
  if (!cookies.some((c) => c.name === 'comeback.session_token'))
    throw new Error('e2e sign-in set no session cookie');
  await context.addCookies(cookies);
}
