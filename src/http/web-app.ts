/**
 * Serving the built web app (dist/web) beside the API: a file when it exists, else
 * index.html (the app routes on the client). Never serves anything outside the folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export function hasWebBuild(distDir: string): boolean {
  return existsSync(join(distDir, 'index.html'));
}

/** A fetch handler for GET/HEAD of the web app's files. */
export function webAppHandler(distDir: string): (req: Request) => Response {
  const root = resolve(distDir);
  const index = join(root, 'index.html');
  return (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    const path = new URL(req.url).pathname;
    const clean = normalize(decodeURIComponent(path)).replace(/^([/\\])+/, '');
    const candidate = resolve(root, clean);
    const file =
      candidate.startsWith(root + sep) && existsSync(candidate) && statSync(candidate).isFile()
        ? candidate
        : index;
    const hashed = file !== index && /\/assets\//.test(file);
    return new Response(req.method === 'HEAD' ? null : readFileSync(file), {
      headers: {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Vite names assets by content hash: cache them for good; index.html always fresh.
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      },
    });
  };
}
