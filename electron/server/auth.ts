import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A fresh secret for one server run: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares a presented token with the secret in constant time (no early exit leaking a prefix). */
export function tokenMatches(presented: string | undefined | null, secret: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Host names a loopback-only server answers to; anything else is a DNS-rebinding attempt. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  return m !== null && LOOPBACK_NAMES.has(m[1]!);
}

/** Throws unless `host` is a loopback address: browser mode must never listen on a network interface. */
export function assertLoopbackBind(host: string): void {
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
    throw Object.assign(new Error(`Refusing to listen on ${host}: browser mode binds 127.0.0.1 only. Reach it from another machine through an SSH tunnel (ssh -L PORT:127.0.0.1:PORT host).`), {
      code: 'USAGE',
      data: { host },
    });
  }
}

/** Reads the token from the query string, the `x-lockstep-token` header or the session cookie. */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const header = req.headers['x-lockstep-token'];
  if (typeof header === 'string') return header;
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE_NAME) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export const COOKIE_NAME = 'lockstep_token';

/**
 * Same-origin check for requests a browser makes: the Origin (when sent) must name the very host the
 * request was addressed to. Comparing with Host rather than a fixed port keeps SSH tunnels on another
 * local port working, while a page from any other site is refused.
 */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser request; the token still has to match
  const host = req.headers.host;
  if (!isLoopbackHostHeader(host)) return false;
  try {
    const o = new URL(origin);
    return o.protocol === 'http:' && o.host === host!.toLowerCase();
  } catch {
    return false;
  }
}

/** The full gate for an HTTP request or WebSocket upgrade: loopback Host, same Origin, right token. */
export function checkRequest(req: IncomingMessage, url: URL, secret: string): { ok: true } | { ok: false; status: number; reason: string } {
  if (!isLoopbackHostHeader(req.headers.host)) return { ok: false, status: 403, reason: 'host not allowed' };
  if (!originAllowed(req)) return { ok: false, status: 403, reason: 'origin not allowed' };
  if (!tokenMatches(presentedToken(req, url), secret)) return { ok: false, status: 401, reason: 'missing or wrong token' };
  return { ok: true };
}
