/**
 * Resolving the Principal of a request, once, before any route. Resolvers are tried in order;
 * today there is one (a bearer API key). A session resolver (better-auth cookie → user →
 * workspace membership and role) slots in front of it without touching any route.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { AccessError } from '../app/api/access-error.ts';
import { authenticateApiKey } from '../app/api/authenticate-api-key.ts';
import type { Database } from '../app/api/context.ts';
import type { Principal } from '../app/api/principal.ts';
import type { ApiEnv } from './env.ts';

/** Returns the principal, null when its kind of credential is absent, or throws `unauthorized`. */
export type PrincipalResolver = (c: Context) => Promise<Principal | null>;

export function bearerApiKey(db: Database): PrincipalResolver {
  return async (c) => {
    const header = c.req.header('authorization');
    if (!header) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new AccessError('unauthorized', 'the Authorization header must be "Bearer <API key>"');
    return authenticateApiKey(db, m[1]!);
  };
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
    throw new AccessError('unauthorized', 'send an API key: Authorization: Bearer <key>');
  };
}
