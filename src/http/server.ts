/** Listening: the API on a port with @hono/node-server. */
import { type ServerType, serve } from '@hono/node-server';
import type { Database } from '../app/api/context.ts';
import { createApi } from './app.ts';
import { hasWebBuild, webAppHandler } from './web-app.ts';

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: {
  db: Database;
  port: number;
  hostname?: string;
  /** The built web app (dist/web), served at every path outside /api. */
  webDir?: string;
}): Promise<RunningServer> {
  const api = createApi({ db: opts.db });
  const web = opts.webDir && hasWebBuild(opts.webDir) ? webAppHandler(opts.webDir) : null;
  const fetch = (req: Request) => {
    const path = new URL(req.url).pathname;
    if (web && path !== '/api' && !path.startsWith('/api/')) return web(req);
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
