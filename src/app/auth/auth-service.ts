/**
 * better-auth, configured for Comeback: e-mail + password only, public sign-up off (an owner
 * adds people; see members.ts), numeric ids in our own tables through the Drizzle adapter, on
 * PGlite and PostgreSQL alike.
 *
 * Cookies: `comeback.session_token`, httpOnly, SameSite=Lax, path /. better-auth decides
 * `Secure` once per instance from a fixed base URL; a self-hosted app is reached by many hosts
 * (localhost, a LAN address, a public name behind TLS), so the HTTP layer adds `Secure` per
 * request when it was served over https (see http/auth.ts).
 *
 * The cookie-signing secret is a random value kept in `instance_secrets`, created by the first
 * process, so every process on one database agrees without any configuration.
 */
import { randomBytes } from 'node:crypto';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import type { Database } from '../../storage/connect.ts';
import { ensureInstanceSecret } from '../../storage/queries/instance-secrets.ts';
import { accounts, sessions, users, verifications } from '../../storage/tables/auth.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts';

export const AUTH_BASE_PATH = '/api/auth';
export const SESSION_COOKIE = 'comeback.session_token';
/** Sessions last 30 days and are extended by use (at most once a day). */
const SESSION_DAYS = 30;

export interface SessionInfo {
  userId: number;
  email: string;
  name: string;
  sessionToken: string;
}

export interface AuthServiceOptions {
  /** Origins besides the request's own that may sign in (e.g. a public https URL). */
  trustedOrigins?: string[];
}

function build(db: Database, secret: string, options: AuthServiceOptions) {
  return betterAuth({
    appName: 'Comeback',
    secret,
    basePath: AUTH_BASE_PATH,
    // Any host: the app is self-hosted and reached by whatever name the owner gives it. Requests
    // are matched to their own origin (trustedOrigins below), never to a fixed one.
    baseURL: { allowedHosts: ['*'], protocol: 'auto', fallback: 'http://localhost' },
    trustedOrigins: (request) => {
      const own: string[] = [];
      const host = request?.headers.get('host');
      if (host) own.push(`http://${host}`, `https://${host}`);
      return [...own, ...(options.trustedOrigins ?? [])];
    },
    database: drizzleAdapter(db.orm(), {
      provider: 'pg',
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    emailAndPassword: {
      enabled: true,
      // Nobody signs themselves up: the owner is created at first run or by `comeback user
      // create`, everyone else by an owner in Settings → Users.
      disableSignUp: true,
      minPasswordLength: PASSWORD_MIN,
      maxPasswordLength: PASSWORD_MAX,
    },
    session: { expiresIn: SESSION_DAYS * 24 * 3600, updateAge: 24 * 3600 },
    advanced: {
      cookiePrefix: 'comeback',
      useSecureCookies: false,
      database: { generateId: 'serial' },
    },
    telemetry: { enabled: false },
    logger: { level: 'error' },
  });
}

type BetterAuth = ReturnType<typeof build>;

/** One per API instance; better-auth is built on first use (the secret is read from the database). */
export class AuthService {
  #auth: Promise<BetterAuth> | null = null;

  constructor(
    private readonly db: Database,
    private readonly options: AuthServiceOptions = {},
  ) {}

  #instance(): Promise<BetterAuth> {
    this.#auth ??= ensureInstanceSecret(this.db, 'auth', randomBytes(32).toString('base64url'))
      .then((secret) => build(this.db, secret, this.options))
      .catch((e) => {
        this.#auth = null;
        throw e;
      });
    return this.#auth;
  }

  /** better-auth's own endpoints (sign-in, sign-out, get-session). */
  async handle(request: Request): Promise<Response> {
    return (await this.#instance()).handler(request);
  }

  /**
   * The signed-in user of a request's cookie, or null. `setCookies` is non-empty when better-auth
   * extended the session (at most daily): the response should carry them so the cookie's own
   * expiry moves with the session's.
   */
  async session(headers: Headers): Promise<(SessionInfo & { setCookies: string[] }) | null> {
    const auth = await this.#instance();
    const { headers: out, response: s } = await auth.api.getSession({ headers, returnHeaders: true });
    if (!s) return null;
    return {
      userId: Number(s.user.id),
      email: s.user.email,
      name: s.user.name,
      sessionToken: s.session.token,
      setCookies: out.getSetCookie(),
    };
  }
}
