import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdir, writeFile } from 'node:fs/promises';
import { listenOnLoopback } from './loopback-server.ts';
import path from 'node:path';

/** One GetRoleCredentials call the portal answered. */
export interface PortalCall {
  readonly roleName: string | null;
  readonly accountId: string | null;
  /** The `x-amz-sso_bearer_token` header: the cached SSO access token the SDK read from ~/.aws/sso/cache. */
  readonly token: string | undefined;
  readonly status: number;
}

/** The role credentials the portal hands out for one (account, role, token). */
export interface PortalGrant {
  readonly accountId: string;
  readonly roleName: string;
  readonly token: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** A running stand-in for the AWS SSO portal (`portal.sso.<region>.amazonaws.com`). */
export interface SsoPortal {
  readonly endpoint: string;
  readonly calls: PortalCall[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 that plays the one SSO portal call the SDK's SSO credential provider
 * makes: `GET /federation/credentials?role_name=R&account_id=A` with the cached access token in the
 * `x-amz-sso_bearer_token` header. A known (account, role, token) gets `{ roleCredentials }` (expiration in
 * epoch milliseconds, as the real service sends it); anything else gets 401 UnauthorizedException, the
 * portal's answer to a revoked or unknown token. The real portal cannot be reached from the test machine,
 * so this is the one component that has to be imitated; the SDK client that talks to it is the real one
 * (pointed here with AWS_ENDPOINT_URL_SSO).
 */
export async function startSsoPortal(grants: readonly PortalGrant[]): Promise<SsoPortal> {
  const calls: PortalCall[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://portal');
    const token = req.headers['x-amz-sso_bearer_token'] as string | undefined;
    const roleName = url.searchParams.get('role_name');
    const accountId = url.searchParams.get('account_id');
    const grant = req.method === 'GET' && url.pathname === '/federation/credentials'
      ? grants.find((g) => g.accountId === accountId && g.roleName === roleName && g.token === token)
      : undefined;
    const status = grant ? 200 : 401;
    calls.push({ roleName, accountId, token, status });
    const body = grant
      ? JSON.stringify({ roleCredentials: { accessKeyId: grant.accessKeyId, secretAccessKey: grant.secretAccessKey, sessionToken: grant.sessionToken, expiration: Date.now() + 3600_000 } })
      : JSON.stringify({ message: 'Session token not found or invalid' });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      ...(grant ? {} : { 'x-amzn-errortype': 'UnauthorizedException' }),
    });
    res.end(body);
  });
  const { endpoint, close } = await listenOnLoopback(server);
  return { endpoint, calls, close };
}

/**
 * Writes an SSO access token where `aws sso login` caches it: `<home>/.aws/sso/cache/<sha1(id)>.json`, with
 * `id` the profile's sso_start_url (legacy profiles) or the sso-session name (`sso_session` profiles),
 * the same file name the SDK derives (@smithy/core config `getSSOTokenFilepath`). Returns the file path.
 */
export async function writeSsoToken(home: string, id: string, token: { accessToken: string; expiresAt: Date; startUrl: string; region: string }): Promise<string> {
  const dir = path.join(home, '.aws', 'sso', 'cache');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${createHash('sha1').update(id).digest('hex')}.json`);
  const body = { startUrl: token.startUrl, region: token.region, accessToken: token.accessToken, expiresAt: token.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  await writeFile(file, JSON.stringify(body, null, 2));
  return file;
}
