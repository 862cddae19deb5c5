import type { Protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_CSP } from './security.ts';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://lockstep';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2' };

/**
 * Serves the built renderer under app://lockstep/ instead of file://, so the page has a real origin the
 * IPC sender check can match and the CSP header applies. Paths are resolved inside `rendererDir`.
 */
export function registerAppProtocol(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'lockstep') return new Response('not found', { status: 404 });
    const root = path.resolve(rendererDir);
    let file = path.resolve(root, '.' + path.posix.normalize(decodeURIComponent(url.pathname)));
    if (!file.startsWith(root + path.sep)) return new Response('not found', { status: 404 });
    if (path.extname(file) === '') file = path.join(root, 'index.html');
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': APP_CSP, 'x-content-type-options': 'nosniff' } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
