import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The CSP of browser mode: only our own scripts, styles and sockets; images may be data URLs (previews).
 * `connect-src 'self'` covers the same-origin WebSocket in current Chromium and Firefox.
 */
export const BROWSER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers every response of browser mode carries. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': BROWSER_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

/**
 * Serves one file of the built renderer. The URL path is resolved inside `root` and anything that would
 * leave it is a 404; paths without an extension fall back to index.html so reloads of app routes work.
 */
export async function serveStatic(root: string, urlPath: string, res: ServerResponse, extraHeaders: Record<string, string> = {}): Promise<void> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    rel = '/';
  }
  if (rel.includes('\0')) rel = '/';
  const rootAbs = path.resolve(root);
  let file = path.resolve(rootAbs, '.' + path.posix.normalize(rel));
  if (file !== rootAbs && !file.startsWith(rootAbs + path.sep)) return notFound(res);
  if (file === rootAbs || path.extname(file) === '') file = path.join(rootAbs, 'index.html');
  let size: number;
  try {
    const st = await stat(file);
    if (!st.isFile()) return notFound(res);
    size = st.size;
  } catch {
    return notFound(res);
  }
  res.writeHead(200, {
    ...securityHeaders(),
    ...extraHeaders,
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': String(size),
  });
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { ...securityHeaders(), 'content-type': 'text/plain' });
  res.end('not found');
}
