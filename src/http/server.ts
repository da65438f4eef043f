/** Listening: the API on a port with @hono/node-server. */
import { type ServerType, serve } from '@hono/node-server';
import type { Database } from '../app/api/context.ts';
import { type CreateApiOptions, createApi } from './app.ts';
import { hasWebBuild, webAppHandler } from './web-app.ts';

/** Paths the API answers: /api/…, and the links in messages (click /t/…, unsubscribe /u/…). */
function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/t/') || path.startsWith('/u/');
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: {
  db: Database;
  port: number;
  hostname?: string;
  /** The built web app (dist/web), served at every path outside /api, /t/ and /u/. */
  webDir?: string;
  /** Channels, campaigns, consents and the public tracking/unsubscribe routes. */
  messaging?: CreateApiOptions['messaging'];
  /** Origins the browser may use besides the Host itself (behind a proxy: COMEBACK_PUBLIC_URL). */
  publicOrigins?: string[];
}): Promise<RunningServer> {
  const api = createApi({
    db: opts.db,
    ...(opts.messaging ? { messaging: opts.messaging } : {}),
    ...(opts.publicOrigins ? { publicOrigins: opts.publicOrigins } : {}),
  });
  const web = opts.webDir && hasWebBuild(opts.webDir) ? webAppHandler(opts.webDir) : null;
  const fetch = (req: Request) => {
    const path = new URL(req.url).pathname;
    if (web && !isApiPath(path)) return web(req);
    return api.fetch(req);
  };
  return new Promise((resolve, reject) => {
    let server: ServerType | undefined;
    try {
      server = serve({ fetch, port: opts.port, hostname: opts.hostname ?? '0.0.0.0' }, (info) => {
        resolve({
          port: info.port,
          close: () =>
            new Promise<void>((done, fail) => {
              server?.close((e) => (e ? fail(e) : done()));
            }),
        });
      });
      server.on('error', reject);
    } catch (e) {
      reject(e);
    }
  });
}
