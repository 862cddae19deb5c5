import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { md5Bytes } from '../../../electron/core/hash/md5-file.ts';
import { objectKey } from '../../../electron/core/remote/object-key.ts';
import { openRemote } from '../../../electron/core/remote/open-remote.ts';
import { NodeSha256 } from '../../../electron/core/remote/s3-sigv4.ts';
import { type ProxiedRequest } from '../../helpers/fault-proxy.ts';
import { S3RVER_KEY, S3RVER_SECRET } from '../../helpers/s3rver.ts';
import { readAll, s3Remote } from './fixtures.ts';
import { useProxiedS3 } from '../../helpers/proxied-s3.ts';

/** Recomputes a proxied request's signature with the AWS SDK's signer, from what actually went over the wire. */
async function sdkSignature(r: ProxiedRequest): Promise<string | undefined> {
  const auth = String(r.headers.authorization);
  const signedNames = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(';') ?? [];
  const headers: Record<string, string> = {};
  for (const n of signedNames) headers[n] = String(r.headers[n]);
  const date = String(r.headers['x-amz-date']);
  const when = new Date(Date.UTC(+date.slice(0, 4), +date.slice(4, 6) - 1, +date.slice(6, 8), +date.slice(9, 11), +date.slice(11, 13), +date.slice(13, 15)));
  const url = new URL(r.url, 'http://placeholder');
  const signer = new SignatureV4({ credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_SECRET }, region: 'us-east-1', service: 's3', sha256: NodeSha256, uriEscapePath: false, applyChecksum: false });
  const signed = await signer.sign({ method: r.method, protocol: 'http:', hostname: '127.0.0.1', path: url.pathname, query: Object.fromEntries(url.searchParams), headers }, { signingDate: when });
  return /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1];
}

const env = useProxiedS3({ resetProxy: true });

async function object(name: string): Promise<{ src: string; body: Buffer; md5: string; key: string }> {
  const body = Buffer.from(`${name} bytes\n`.repeat(40));
  const src = path.join(env.tmp.dir, name);
  await writeFile(src, body);
  const md5 = md5Bytes(body);
  return { src, body, md5, key: objectKey(md5, 'md5') };
}

describe('object GET and PUT without the SDK', () => {
  it('signs uploads and downloads exactly as the AWS SDK signer would, and round-trips the bytes', async () => {
    const remote = await s3Remote(env.proxy.endpoint, env.server.bucket, 'signed');
    env.opened.push(remote);
    const o = await object('signed');
    await remote.upload(o.src, o.key, { size: o.body.length, md5: o.md5 });
    expect(await readAll(remote, o.key)).toEqual(o.body);
    const put = env.proxy.requests.find((r) => r.method === 'PUT');
    const get = env.proxy.requests.find((r) => r.method === 'GET');
    for (const r of [put, get]) {
      expect(r).toBeDefined();
      // Sent without the SDK: no x-id query, no SDK headers.
      expect(r!.url).not.toContain('x-id=');
      expect(r!.headers['amz-sdk-invocation-id']).toBeUndefined();
      expect(String(r!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
      expect(/Signature=([0-9a-f]{64})/.exec(String(r!.headers.authorization))?.[1]).toBe(await sdkSignature(r!));
    }
    expect(put!.headers['content-md5']).toBe(Buffer.from(o.md5, 'hex').toString('base64'));
    expect(String(put!.headers.authorization)).toContain('content-md5');
  });

  it('sends SSE-C keys with their md5 on reads and writes', async () => {
    const key = Buffer.alloc(32, 9).toString('base64');
    const remote = await s3Remote(env.proxy.endpoint, env.server.bucket, 'ssec', { sse_customer_algorithm: 'AES256', sse_customer_key: key });
    env.opened.push(remote);
    const o = await object('ssec');
    // s3rver may or may not honour SSE-C; what matters here is what the client sent.
    await remote.upload(o.src, o.key, { size: o.body.length, md5: o.md5 }).catch(() => undefined);
    await readAll(remote, o.key).catch(() => undefined);
    const keyMd5 = createHash('md5').update(Buffer.from(key, 'base64')).digest('base64');
    for (const method of ['PUT', 'GET']) {
      const r = env.proxy.requests.find((x) => x.method === method);
      expect(r?.headers['x-amz-server-side-encryption-customer-algorithm']).toBe('AES256');
      expect(r?.headers['x-amz-server-side-encryption-customer-key']).toBe(key);
      expect(r?.headers['x-amz-server-side-encryption-customer-key-md5']).toBe(keyMd5);
    }
  });

  it('maps S3 error answers like the SDK path: missing object, unknown key id, throttling', async () => {
    const remote = await s3Remote(env.proxy.endpoint, env.server.bucket, 'errors');
    env.opened.push(remote);
    await expect(remote.read(objectKey('0'.repeat(32), 'md5'))).rejects.toMatchObject({ code: 'REMOTE_NOT_FOUND' });
    const stranger = await s3Remote(env.proxy.endpoint, env.server.bucket, 'errors', { access_key_id: 'NOBODY', secret_access_key: 'x' });
    env.opened.push(stranger);
    await expect(stranger.read(objectKey('0'.repeat(32), 'md5'))).rejects.toMatchObject({ code: 'REMOTE_AUTH', message: expect.stringContaining('InvalidAccessKeyId') });
    const slow = await s3Remote(env.proxy.endpoint, env.server.bucket, 'errors', {}, { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    env.opened.push(slow);
    env.proxy.addRule({ match: (r) => r.method === 'GET', fault: { kind: 'error', status: 503, code: 'SlowDown' }, times: Infinity });
    await expect(slow.read(objectKey('0'.repeat(32), 'md5'))).rejects.toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('SlowDown') });
    expect(env.proxy.requests.filter((r) => r.fault === 'error')).toHaveLength(2);
  });

  it('sends anonymous requests unsigned', async () => {
    const remote = await s3Remote(env.proxy.endpoint, env.server.bucket, 'anon');
    env.opened.push(remote);
    const o = await object('anon');
    await remote.upload(o.src, o.key, { size: o.body.length, md5: o.md5 });
    const config = { core: {}, remotes: { r: { url: `s3://${env.server.bucket}/anon`, endpointurl: env.proxy.endpoint, allow_anonymous_login: 'true' } } };
    const anon = (await openRemote(config, '/nonexistent', 'r')).remote;
    env.opened.push(anon);
    env.proxy.requests.splice(0);
    expect(await readAll(anon, o.key)).toEqual(o.body);
    expect(env.proxy.requests[0]?.headers.authorization).toBeUndefined();
  });
});
