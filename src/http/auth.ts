/**
 * Who is calling, resolved once before any route: a bearer API key (integrations) or a
 * better-auth session cookie (people in the web app). Also the cookie's CSRF guard and the
 * mount of better-auth's own endpoints under /api/auth.
 *
 * CSRF: the session cookie is SameSite=Lax, which already keeps it off cross-site POSTs in
 * current browsers; on top of that every unsafe request that authenticates by cookie must come
 * from our own origin (Origin, else Referer, names the Host it was sent to, or a configured
 * public origin). A bearer key is never sent by a browser on its own, so it is exempt.
 */
import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { AccessError } from '../app/api/access-error.ts';
import { authenticateApiKey } from '../app/api/authenticate-api-key.ts';
import type { Database } from '../app/api/context.ts';
import type { Principal } from '../app/api/principal.ts';
import { recordAuthEvent } from '../app/auth/audit-log.ts';
import { AUTH_BASE_PATH, type AuthService, SESSION_COOKIE } from '../app/auth/auth-service.ts';
import { userIdByEmail } from '../app/auth/members.ts';
import { principalForUser } from '../app/auth/session-principal.ts';
import { AppError } from '../core/errors.ts';
import { json } from './contract/common.ts';
import { SessionState, SignedIn, SignIn } from './contract/users.ts';
import type { ApiEnv } from './env.ts';
import { errorJson } from './errors.ts';

/** Returns the principal, null when its kind of credential is absent, or throws `unauthorized`. */
export type PrincipalResolver = (c: Context) => Promise<Principal | null>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bearerApiKey(db: Database): PrincipalResolver {
  return async (c) => {
    const header = c.req.header('authorization');
    if (!header) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AccessError('unauthorized', 'the Authorization header must be "Bearer <API key>"');
    return authenticateApiKey(db, m[1]!);
  };
}

/**
 * The signed-in user of the session cookie, as a member of the workspace named by
 * `X-Workspace-Id` (default: their first). An Authorization header wins over the cookie.
 */
export function sessionCookie(auth: AuthService, db: Database): PrincipalResolver {
  return async (c) => {
    if (c.req.header('authorization') || !getCookie(c, SESSION_COOKIE)) return null;
    const session = await auth.session(c.req.raw.headers);
    if (!session) throw new AccessError('unauthorized', 'the session has expired: sign in again');
    for (const cookie of session.setCookies)
      c.header('Set-Cookie', secureIfHttps(c, cookie), { append: true });
    return principalForUser(db, session.userId, requestedWorkspace(c));
  };
}

function requestedWorkspace(c: Context): number | null {
  const raw = c.req.header('x-workspace-id');
  if (raw === undefined || raw.trim() === '') return null;
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1)
    throw new AppError('bad_usage', 'X-Workspace-Id must be a workspace id');
  return id;
}

export function authenticate(resolvers: PrincipalResolver[]): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    for (const resolve of resolvers) {
      const principal = await resolve(c);
      if (principal) {
        c.set('principal', principal);
        await next();
        return;
      }
    }
    throw new AccessError('unauthorized', 'sign in, or send an API key: Authorization: Bearer <key>');
  };
}

/** The origin (scheme://host[:port]) of an Origin or Referer header, or null. */
function originOf(value: string | undefined): URL | null {
  if (!value || value === 'null') return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Refuses (403 `csrf_failed`) an unsafe cookie-authenticated request that did not come from our own pages. */
export function csrfGuard(publicOrigins: readonly string[] = []): MiddlewareHandler<ApiEnv> {
  const trusted = new Set(publicOrigins.map((o) => new URL(o).origin));
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || c.req.header('authorization')) return next();
    const source = originOf(c.req.header('origin')) ?? originOf(c.req.header('referer'));
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    const sameOrigin = source !== null && (source.host === host || trusted.has(source.origin));
    if (!getCookie(c, SESSION_COOKIE)) {
      // No session yet, so nothing to ride on — except signing the victim in to the attacker's
      // account (login CSRF). A browser names the origin of a cross-site POST: refuse a foreign
      // one on the sign-in endpoints; clients that send no Origin (curl, integrations) pass.
      const foreign = c.req.header('origin') !== undefined && !sameOrigin;
      if (!(foreign && new URL(c.req.url).pathname.startsWith(AUTH_BASE_PATH))) return next();
    } else if (sameOrigin) return next();
    return c.json(
      errorJson(
        'csrf_failed',
        source
          ? `a request from ${source.origin} may not use this session`
          : 'a request made with the session cookie must name its Origin',
      ),
      403,
    );
  };
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

function clientIp(c: Context): string | null {
  return c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || c.req.header('x-real-ip') || null;
}

const authTags = ['auth'];

const signInRoute = createRoute({
  method: 'post',
  path: `${AUTH_BASE_PATH}/sign-in/email`,
  tags: authTags,
  summary: 'Sign in with e-mail and password (sets the httpOnly session cookie)',
  request: { body: { required: true, content: { 'application/json': { schema: SignIn } } } },
  responses: {
    200: json(SignedIn, 'Signed in'),
    401: { description: 'Wrong e-mail or password' },
    403: { description: 'Refused: cross-site request' },
  },
});

const signOutRoute = createRoute({
  method: 'post',
  path: `${AUTH_BASE_PATH}/sign-out`,
  tags: authTags,
  summary: 'Sign out (ends the session of the cookie)',
  responses: { 200: { description: 'Signed out' }, 403: { description: 'Refused: cross-site request' } },
});

const sessionRoute = createRoute({
  method: 'get',
  path: `${AUTH_BASE_PATH}/get-session`,
  tags: authTags,
  summary: 'The session of the cookie, or null',
  responses: { 200: json(SessionState, 'The session') },
});

/**
 * better-auth's endpoints, only those Comeback uses (sign-in, sign-out, the session): sign-up,
 * e-mail change, account deletion and the rest are not reachable. Sign-in, failed sign-in and
 * sign-out are written to the audit log; cookies get `Secure` when the request came over https.
 */
export function mountAuth(app: OpenAPIHono<ApiEnv>, auth: AuthService, db: Database): void {
  const who = (c: Context) => ({ ipAddress: clientIp(c), userAgent: c.req.header('user-agent') ?? null });
  const record = async (what: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (e) {
      process.stderr.write(
        `audit: could not record ${what}: ${e instanceof Error ? e.message : String(e)}\n`,
      );
    }
  };
  const respond = async (c: Context, res: Response) => {
    const out = await withoutSessionToken(res);
    return isHttps(c) ? withSecureCookies(out) : out;
  };

  app.openapi(signInRoute, (async (c: Context) => {
    const body = (c.req as unknown as { valid(t: 'json'): z.infer<typeof SignIn> }).valid('json');
    // The validator has read the body; better-auth gets its own copy.
    const req = new Request(c.req.raw.url, {
      method: 'POST',
      headers: c.req.raw.headers,
      body: JSON.stringify(body),
    });
    const res = await auth.handle(req);
    await record('sign-in', async () => {
      if (res.ok) {
        const out = (await res.clone().json()) as { user?: { id?: string | number } };
        if (out.user?.id !== undefined)
          await recordAuthEvent(db, { userId: Number(out.user.id), event: 'auth.sign_in', ...who(c) });
      } else if (res.status === 401 || res.status === 403) {
        const userId = await userIdByEmail(db, body.email);
        if (userId !== null) await recordAuthEvent(db, { userId, event: 'auth.sign_in_failed', ...who(c) });
      }
    });
    return respond(c, res);
  }) as never);

  app.openapi(signOutRoute, (async (c: Context) => {
    const signingOut = await auth.session(c.req.raw.headers).catch(() => null);
    const res = await auth.handle(c.req.raw);
    if (signingOut && res.ok)
      await record('sign-out', () =>
        recordAuthEvent(db, { userId: signingOut.userId, event: 'auth.sign_out', ...who(c) }),
      );
    return respond(c, res);
  }) as never);

  app.openapi(sessionRoute, (async (c: Context) => respond(c, await auth.handle(c.req.raw))) as never);
}

/**
 * better-auth also returns the session token in the JSON body. The session lives in the httpOnly
 * cookie precisely so page scripts never hold it: drop it from the body (cookies untouched).
 */
async function withoutSessionToken(res: Response): Promise<Response> {
  if (!res.ok || !res.headers.get('content-type')?.includes('application/json')) return res;
  const body = (await res.clone().json()) as Record<string, unknown> | null;
  if (!body || typeof body !== 'object') return res;
  const session = body.session as Record<string, unknown> | undefined;
  if (!('token' in body) && !(session && typeof session === 'object' && 'token' in session)) return res;
  delete body.token;
  if (session && typeof session === 'object') delete session.token;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(body), { status: res.status, statusText: res.statusText, headers });
}

function secureIfHttps(c: Context, cookie: string): string {
  return isHttps(c) && !/;\s*secure/i.test(cookie) ? `${cookie}; Secure` : cookie;
}

function withSecureCookies(res: Response): Response {
  const cookies = res.headers.getSetCookie();
  if (cookies.length === 0) return res;
  const headers = new Headers(res.headers);
  headers.delete('set-cookie');
  for (const cookie of cookies)
    headers.append('set-cookie', /;\s*secure/i.test(cookie) ? cookie : `${cookie}; Secure`);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}
