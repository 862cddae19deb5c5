import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from '../../electron/core/remote/s3-client.ts';
import type { Remote } from '../../electron/core/remote/types.ts';
import { readAll, s3Remote } from '../core/remote/fixtures.ts';
import { runCli, type CliRun } from '../helpers/cli.ts';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../helpers/fault-proxy.ts';
import { startS3rver, S3RVER_KEY, S3RVER_SECRET, type S3rverHandle } from '../helpers/s3rver.ts';
import { startSsoPortal, writeSsoToken, type SsoPortal } from '../helpers/sso-portal.ts';
import { makeTempDir } from '../helpers/tmp.ts';
import { cloneRepo, makeDataRepo, type RemoteSpec } from './repo-fixture.ts';

// Two SSO profiles of the two shapes `aws configure sso` writes: the legacy one with the start URL in the
// profile (token cached under sha1(start URL)), and the sso-session one (token cached under sha1(session name)).
const START_URL = 'https://lockstep-test.awsapps.com/start';
const LEGACY = { profile: 'team-legacy', account: '111122223333', role: 'DataScientist', token: 'legacy-access-token-0f3a', session: 'sso-role-session-legacy' };
const MODERN = { profile: 'team-session', account: '444455556666', role: 'Analyst', token: 'session-access-token-9b1c', session: 'sso-role-session-modern', ssoSession: 'lockstep-sso' };
const AWS_CONFIG = `[profile ${LEGACY.profile}]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = ${LEGACY.account}
sso_role_name = ${LEGACY.role}
region = us-east-1

[profile ${MODERN.profile}]
sso_session = ${MODERN.ssoSession}
sso_account_id = ${MODERN.account}
sso_role_name = ${MODERN.role}

[sso-session ${MODERN.ssoSession}]
sso_start_url = ${START_URL}
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile stale-legacy]
sso_start_url = https://stale.awsapps.com/start
sso_region = us-east-1
sso_account_id = ${LEGACY.account}
sso_role_name = ${LEGACY.role}

[profile stale-session]
sso_session = stale-sso
sso_account_id = ${MODERN.account}
sso_role_name = ${MODERN.role}

[sso-session stale-sso]
sso_start_url = https://stale.awsapps.com/start
sso_region = us-east-1

[profile revoked]
sso_start_url = https://revoked.awsapps.com/start
sso_region = us-east-1
sso_account_id = ${LEGACY.account}
sso_role_name = ${LEGACY.role}
`;

let server: S3rverHandle;
let proxy: FaultProxy;
let portal: SsoPortal;
let tmp: { dir: string; cleanup: () => Promise<void> };
let home: string;
/** The CLI's environment: a private HOME and AWS files, the portal for SSO, and no other credential source. */
let env: Record<string, string>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startS3rver();
  proxy = await startFaultProxy(server.endpoint);
  portal = await startSsoPortal([
    { accountId: LEGACY.account, roleName: LEGACY.role, token: LEGACY.token, accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_SECRET, sessionToken: LEGACY.session },
    { accountId: MODERN.account, roleName: MODERN.role, token: MODERN.token, accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_SECRET, sessionToken: MODERN.session },
  ]);
  tmp = await makeTempDir('lockstep-sso-');
  home = path.join(tmp.dir, 'home');
  await mkdir(path.join(home, '.aws'), { recursive: true });
  await writeFile(path.join(home, '.aws', 'config'), AWS_CONFIG);
  const hour = new Date(Date.now() + 3600_000);
  const past = new Date(Date.now() - 3600_000);
  await writeSsoToken(home, START_URL, { accessToken: LEGACY.token, expiresAt: hour, startUrl: START_URL, region: 'us-east-1' });
  await writeSsoToken(home, MODERN.ssoSession, { accessToken: MODERN.token, expiresAt: hour, startUrl: START_URL, region: 'eu-west-1' });
  await writeSsoToken(home, 'https://stale.awsapps.com/start', { accessToken: LEGACY.token, expiresAt: past, startUrl: 'https://stale.awsapps.com/start', region: 'us-east-1' });
  await writeSsoToken(home, 'stale-sso', { accessToken: MODERN.token, expiresAt: past, startUrl: 'https://stale.awsapps.com/start', region: 'us-east-1' });
  await writeSsoToken(home, 'https://revoked.awsapps.com/start', { accessToken: 'revoked-token', expiresAt: hour, startUrl: 'https://revoked.awsapps.com/start', region: 'us-east-1' });
  env = {
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws', 'credentials'),
    AWS_ENDPOINT_URL_SSO: portal.endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_SESSION_TOKEN: '', AWS_PROFILE: '', AWS_DEFAULT_PROFILE: '',
    AWS_ENDPOINT_URL: '', AWS_ENDPOINT_URL_S3: '', AWS_CONTAINER_CREDENTIALS_FULL_URI: '', AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '', AWS_WEB_IDENTITY_TOKEN_FILE: '',
  };
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  await portal?.close();
  await proxy?.close();
  await server?.stop();
  await tmp?.cleanup();
});

const cli = (cwd: string, args: string[], extra: Record<string, string> = {}): Promise<CliRun> => runCli(args, { cwd, env: { ...env, ...extra } });

/** The S3 requests the proxy saw for keys under `prefix` since `from`. */
function s3Requests(prefix: string, from: number): ProxiedRequest[] {
  return proxy.requests.slice(from).filter((r) => r.url.startsWith(`/${server.bucket}/${prefix}/`) || r.url.includes(`prefix=${prefix}`));
}

/** The GETs of objects (listings left out) the proxy saw under `prefix` since `from`. */
function objectGets(prefix: string, from: number): ProxiedRequest[] {
  return s3Requests(prefix, from).filter((r) => r.method === 'GET' && !r.url.includes('list-type'));
}

/**
 * One transfer's object requests: all 22 of them signed with the portal's `session`, and sent over the lean
 * transport (no SDK user agent) or through the SDK client.
 */
function expectObjectRequests(reqs: readonly ProxiedRequest[], session: string, transport: 'lean' | 'sdk'): void {
  expect(reqs).toHaveLength(22);
  for (const r of reqs) {
    expect(r.headers['x-amz-security-token']).toBe(session);
    if (transport === 'lean') expect(r.headers['x-amz-user-agent']).toBeUndefined();
    else expect(r.headers['x-amz-user-agent']).toBeDefined();
  }
}

/** All keys s3rver holds under `prefix`, read with s3rver's own static keys (not through the SSO profile). */
async function storedKeys(prefix: string): Promise<{ remote: Remote; keys: string[] }> {
  const remote = await s3Remote(server.endpoint, server.bucket, prefix);
  const keys: string[] = [];
  for await (const k of remote.list('')) keys.push(k);
  return { remote, keys: keys.sort() };
}

/** Compares every tracked file of the clone with the origin, byte for byte. */
async function expectSameData(originDir: string, cloneDir: string): Promise<void> {
  const names = await readdir(path.join(originDir, 'data'));
  expect(names).toHaveLength(20);
  for (const name of names) expect(await readFile(path.join(cloneDir, 'data', name))).toEqual(await readFile(path.join(originDir, 'data', name)));
  expect(await readFile(path.join(cloneDir, 'model.bin'))).toEqual(await readFile(path.join(originDir, 'model.bin')));
}

describe('S3 remote with AWS SSO credentials (real CLI, s3rver, a stand-in SSO portal)', { timeout: 240_000 }, () => {
  it('pushes and pulls over the lean object transport with a legacy sso_start_url profile', async () => {
    const spec: RemoteSpec = { kind: 's3', endpoint: proxy.endpoint, bucket: server.bucket, prefix: 'sso-legacy', keys: false };
    const origin = await makeDataRepo(spec);
    cleanups.push(() => origin.git.cleanup());
    expect((await cli(origin.git.dir, ['remote', 'modify', 'storage', 'profile', LEGACY.profile])).code).toBe(0);
    // The profile is not a secret: it goes to the committed config, so a clone gets it with git.
    expect(await readFile(origin.git.abs('.dvc/config'), 'utf8')).toContain(`profile = ${LEGACY.profile}`);
    origin.git.commit('use the team SSO profile');

    const calls0 = portal.calls.length;
    const req0 = proxy.requests.length;
    const pushed = await cli(origin.git.dir, ['push', '--json']);
    expect(pushed.code, pushed.stdout + pushed.stderr).toBe(0);
    expect(pushed.json()).toMatchObject({ uploaded: 22, failed: [] });
    // The SDK read the cached token and exchanged it at the portal for role credentials.
    expect(portal.calls.slice(calls0)).toEqual([{ roleName: LEGACY.role, accountId: LEGACY.account, token: LEGACY.token, status: 200 }]);
    const sent = s3Requests('sso-legacy', req0);
    const puts = sent.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(22);
    // Every request was signed with the portal's role credentials (the session token proves where they came from).
    for (const r of sent) {
      expect(r.headers['x-amz-security-token']).toBe(LEGACY.session);
      expect(r.headers.authorization).toMatch(/Credential=S3RVER\//);
    }
    // Object PUTs went over the lean transport (no SDK user agent), listing/HEAD over the SDK client.
    for (const r of puts) expect(r.headers['x-amz-user-agent']).toBeUndefined();
    expect(sent.some((r) => r.method !== 'PUT' && r.headers['x-amz-user-agent'] !== undefined)).toBe(true);

    const { remote, keys } = await storedKeys('sso-legacy');
    try {
      expect(keys).toHaveLength(22);
      expect(keys.every((k) => k.startsWith('files/md5/'))).toBe(true);
      const dirKey = keys.find((k) => k.endsWith('.dir')) as string;
      expect((await readAll(remote, dirKey)).toString()).toMatch(/^\[\{"md5": /);
    } finally {
      remote.close();
    }

    const clone = await cloneRepo(origin.git, spec, path.join(tmp.dir, 'clone-legacy'));
    cleanups.push(clone.cleanup);
    const calls1 = portal.calls.length;
    const req1 = proxy.requests.length;
    const pulled = await cli(clone.dir, ['pull', '--json']);
    expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
    expect(pulled.json()).toMatchObject({ fetch: { downloaded: 22 } });
    expect(portal.calls.slice(calls1)).toEqual([{ roleName: LEGACY.role, accountId: LEGACY.account, token: LEGACY.token, status: 200 }]);
    expectObjectRequests(objectGets('sso-legacy', req1), LEGACY.session, 'lean');
    await expectSameData(origin.git.dir, clone.dir);
  });

  it('pushes and pulls over the SDK transport with an sso-session profile read from configpath', async () => {
    // No endpointurl: the S3 endpoint comes from AWS_ENDPOINT_URL_S3, which routes objects through the SDK client.
    const spec: RemoteSpec = { kind: 's3', endpoint: proxy.endpoint, bucket: server.bucket, prefix: 'sso-session', keys: false };
    const origin = await makeDataRepo(spec);
    cleanups.push(() => origin.git.cleanup());
    // The AWS config is handed over by the remote's `configpath` option here, not by AWS_CONFIG_FILE.
    const configCopy = path.join(tmp.dir, 'team-aws-config');
    await writeFile(configCopy, AWS_CONFIG);
    for (const [k, v] of [['endpointurl', null], ['profile', MODERN.profile], ['configpath', configCopy]] as const) {
      const res = await cli(origin.git.dir, v === null ? ['remote', 'modify', '--unset', 'storage', k] : ['remote', 'modify', 'storage', k, v]);
      expect(res.code, res.stderr).toBe(0);
    }
    origin.git.commit('sso-session profile');
    const sdkEnv = { AWS_ENDPOINT_URL_S3: proxy.endpoint, AWS_CONFIG_FILE: path.join(tmp.dir, 'no-such-config') };

    const calls0 = portal.calls.length;
    const req0 = proxy.requests.length;
    const pushed = await cli(origin.git.dir, ['push', '--json'], sdkEnv);
    expect(pushed.code, pushed.stdout + pushed.stderr).toBe(0);
    expect(pushed.json()).toMatchObject({ uploaded: 22, failed: [] });
    expect(portal.calls.slice(calls0)).toEqual([{ roleName: MODERN.role, accountId: MODERN.account, token: MODERN.token, status: 200 }]);
    expectObjectRequests(s3Requests('sso-session', req0).filter((r) => r.method === 'PUT'), MODERN.session, 'sdk');
    const { remote, keys } = await storedKeys('sso-session');
    remote.close();
    expect(keys).toHaveLength(22);

    const clone = await cloneRepo(origin.git, spec, path.join(tmp.dir, 'clone-session'));
    cleanups.push(clone.cleanup);
    const req1 = proxy.requests.length;
    const pulled = await cli(clone.dir, ['pull', '--json'], sdkEnv);
    expect(pulled.code, pulled.stdout + pulled.stderr).toBe(0);
    expect(pulled.json()).toMatchObject({ fetch: { downloaded: 22 } });
    expectObjectRequests(objectGets('sso-session', req1), MODERN.session, 'sdk');
    await expectSameData(origin.git.dir, clone.dir);
  });

  /** A small repo whose default remote uses `profile` (its own key prefix, so nothing can leak between tests). */
  async function repoWithProfile(profile: string): Promise<{ dir: string; prefix: string }> {
    const prefix = `sso-${profile}`;
    const origin = await makeDataRepo({ kind: 's3', endpoint: proxy.endpoint, bucket: server.bucket, prefix, keys: false }, 2);
    cleanups.push(() => origin.git.cleanup());
    expect((await cli(origin.git.dir, ['remote', 'modify', 'storage', 'profile', profile])).code).toBe(0);
    return { dir: origin.git.dir, prefix };
  }

  /** Nothing reached the bucket under `prefix`. */
  async function expectNothingStored(prefix: string): Promise<void> {
    const { remote, keys } = await storedKeys(prefix);
    remote.close();
    expect(keys).toEqual([]);
  }

  it.each([
    // An expired cached token is caught by the SDK before any call; a token the portal no longer knows gets a 401 there.
    ['stale-legacy', null],
    ['stale-session', null],
    ['revoked', 'revoked-token'],
  ] as const)('an SSO profile whose sign-in is no longer valid (%s) gives a clear REMOTE_AUTH error', async (profile, portalToken) => {
    const { dir, prefix } = await repoWithProfile(profile);
    const calls0 = portal.calls.length;
    const text = await cli(dir, ['push']);
    expect(text.code).toBe(10);
    expect(text.stderr).toMatch(/^error: Remote "storage" could not get AWS credentials through the SSO sign-in of the AWS profile/);
    expect(text.stderr).toContain(`Run \`aws sso login --profile ${profile}\``);
    expect(text.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const json = await cli(dir, ['push', '--json']);
    expect(json.code).toBe(10);
    expect(json.json()).toMatchObject({ error: { code: 'REMOTE_AUTH', data: { remote: 'storage', profile, sso: true } } });
    const calls = portal.calls.slice(calls0);
    if (portalToken === null) expect(calls).toEqual([]);
    else {
      expect(calls.length).toBeGreaterThanOrEqual(2); // once per CLI run, not retried
      for (const c of calls) expect(c).toEqual({ roleName: LEGACY.role, accountId: LEGACY.account, token: portalToken, status: 401 });
    }
    await expectNothingStored(prefix);
  });

  it('an unreachable SSO portal, a missing profile and an expired AWS_PROFILE login are each named', async () => {
    const { dir, prefix } = await repoWithProfile(LEGACY.profile);
    // A port nobody listens on: bind one, note it, close it.
    const closed = await startSsoPortal([]);
    await closed.close();
    const offline = await cli(dir, ['push', '--json'], { AWS_ENDPOINT_URL_SSO: closed.endpoint });
    expect(offline.code).toBe(10);
    expect(offline.json()).toMatchObject({ error: { code: 'REMOTE_ERROR', message: expect.stringContaining(`Cannot reach the AWS SSO portal to sign in the AWS profile "${LEGACY.profile}" for remote "storage": ECONNREFUSED`), data: { profile: LEGACY.profile } } });

    expect((await cli(dir, ['remote', 'modify', 'storage', 'profile', 'no-such-profile'])).code).toBe(0);
    const missing = await cli(dir, ['push']);
    expect(missing.code).toBe(10);
    expect(missing.stderr).toContain('No AWS credentials found for remote "storage" through its profile "no-such-profile"');
    expect(missing.stderr).not.toMatch(/\n\s+at /);

    // No profile in the remote's config: the chain picks AWS_PROFILE, and its expired SSO login is still named.
    expect((await cli(dir, ['remote', 'modify', '--unset', 'storage', 'profile'])).code).toBe(0);
    const viaEnv = await cli(dir, ['push', '--json'], { AWS_PROFILE: 'stale-legacy' });
    expect(viaEnv.code).toBe(10);
    expect(viaEnv.json()).toMatchObject({ error: { code: 'REMOTE_AUTH', message: expect.stringContaining('Run `aws sso login --profile stale-legacy`'), data: { profile: 'stale-legacy', sso: true } } });
    await expectNothingStored(prefix);
  });
});

describe('which S3 endpoint settings take objects off the lean transport', () => {
  const names = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_SSO', 'AWS_CONFIG_FILE', 'AWS_PROFILE', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] as const;

  /** Whether a client built under `vars` (process env, restored after) sends object GET/PUT without the SDK. */
  async function leanUnder(vars: Partial<Record<(typeof names)[number], string>>): Promise<boolean> {
    const saved = names.map((n) => [n, process.env[n]] as const);
    for (const n of names) delete process.env[n];
    Object.assign(process.env, { AWS_CONFIG_FILE: path.join(tmp.dir, 'no-such-config') }, vars);
    const bundle = createS3Client('r', { access_key_id: S3RVER_KEY, secret_access_key: S3RVER_SECRET }, 4);
    try {
      return (await bundle.objectHttp('lockstep-test')) !== null;
    } finally {
      bundle.close();
      for (const [n, v] of saved) {
        if (v === undefined) delete process.env[n];
        else process.env[n] = v;
      }
    }
  }

  it('the SSO portal endpoint is not an S3 endpoint; the S3 ones are', async () => {
    expect(await leanUnder({})).toBe(true);
    expect(await leanUnder({ AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:1' })).toBe(true);
    expect(await leanUnder({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' })).toBe(false);
    expect(await leanUnder({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' })).toBe(false);
  });

  it('an endpoint_url from the shared config file counts like the environment variables', async () => {
    const file = path.join(tmp.dir, 'endpoint-config');
    await writeFile(file, `[default]\nendpoint_url = http://127.0.0.1:1\n\n[profile minio]\nservices = local-minio\n\n[services local-minio]\ns3 =\n  endpoint_url = http://127.0.0.1:2\n\n[profile portal-only]\nservices = portal\n\n[services portal]\nsso =\n  endpoint_url = http://127.0.0.1:3\n`);
    expect(await leanUnder({ AWS_CONFIG_FILE: file })).toBe(false);
    expect(await leanUnder({ AWS_CONFIG_FILE: file, AWS_PROFILE: 'minio' })).toBe(false);
    expect(await leanUnder({ AWS_CONFIG_FILE: file, AWS_PROFILE: 'portal-only' })).toBe(true);
    expect(await leanUnder({ AWS_CONFIG_FILE: file, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBe(true);
  });
});
