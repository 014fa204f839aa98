import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** Where `npm run prepare` (vite build) puts the dashboard bundle: `dist/web` at the package root. */
export const DASHBOARD_DIST_DIR = fileURLToPath(new URL('../../dist/web', import.meta.url));

/**
 * Serves the built dashboard (`vite build` output) at `/`: files as they are, and `index.html` for any other path
 * outside `/api/` so the single-page app's own routes survive a reload. Hashed assets are cached for a year, the
 * page itself never. When the bundle is missing, `/` explains how to build it instead of a bare 404.
 */
export function mountDashboard(app: Hono, distDir: string = DASHBOARD_DIST_DIR): void {
  const root = resolve(distDir);
  app.get('*', (c, next) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    if (path.startsWith('/api/')) return next();
    const file = resolve(join(root, normalize(path)));
    if (file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
      const immutable = path.startsWith('/assets/');
      return c.body(readFileSync(file), 200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    const index = join(root, 'index.html');
    if (!existsSync(index)) {
      return c.text('The dashboard is not built: run `npm run prepare` (vite build) and reload.', 503);
    }
    return c.body(readFileSync(index), 200, {
      'content-type': TYPES['.html'] ?? 'text/html',
      'cache-control': 'no-cache',
    });
  });
}
