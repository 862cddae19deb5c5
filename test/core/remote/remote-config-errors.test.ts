import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRemote } from '../../../electron/core/remote/open-remote.ts';
import { probeRemote } from '../../../electron/core/remote/probe.ts';
import { parseRemoteUrl } from '../../../electron/core/remote/remote-url.ts';
import { S3RVER_KEY, S3RVER_SECRET, startS3rver, type S3rverHandle } from '../../helpers/s3rver.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { TEST_RETRY, localRemote } from './fixtures.ts';

let server: S3rverHandle;
let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  server = await startS3rver();
  tmp = await makeTempDir();
});
afterAll(async () => {
  await server?.stop();
  await tmp?.cleanup();
});

const s3 = (extra: Record<string, string>) => ({ core: {}, remotes: { r: { url: `s3://${server.bucket}/p`, endpointurl: server.endpoint, ...extra } } });

describe('remote configuration errors', () => {
  it('names an unknown remote and lists the configured ones', async () => {
    await expect(openRemote({ core: {}, remotes: { a: { url: '/x' }, b: { url: '/y' } } }, '/', 'nope')).rejects.toThrow(/Unknown remote "nope".*a, b/);
    await expect(openRemote({ core: {}, remotes: {} }, '/')).rejects.toThrow(expect.objectContaining({ code: 'CONFIG_ERROR', message: expect.stringContaining('No remote is configured') }));
    await expect(openRemote({ core: {}, remotes: { a: { url: '/x' } } }, '/')).rejects.toThrow(/No default remote/);
  });

  it('rejects malformed URLs and options before any network traffic', async () => {
    expect(() => parseRemoteUrl('s3://Bad_Bucket!/x', 'r', '/')).toThrow(expect.objectContaining({ code: 'CONFIG_ERROR', message: expect.stringContaining('not a valid bucket name') }));
    expect(() => parseRemoteUrl('s3:///prefix', 'r', '/')).toThrow(/malformed S3 url/);
    expect(() => parseRemoteUrl('gdrive://abc', 'r', '/')).toThrow(/"gdrive:\/\/", which Lockstep does not support/);
    await expect(openRemote({ core: {}, remotes: { r: { url: '' } } }, '/', 'r')).rejects.toThrow(/has no url/);
    await expect(openRemote(s3({ endpointurl: 'not a url' }), '/', 'r')).rejects.toThrow(/malformed endpointurl/);
    await expect(openRemote(s3({ access_key_id: 'x' }), '/', 'r')).rejects.toThrow(/only one of access_key_id and secret_access_key/);
    await expect(openRemote({ core: {}, remotes: { r: { url: '/x', jobs: '0' } } }, '/', 'r')).rejects.toThrow(/jobs/);
    expect(parseRemoteUrl('../storage', 'r', '/repo/.dvc')).toEqual({ kind: 'local', root: '/repo/storage' });
    expect(parseRemoteUrl('s3://bucket/a//b/', 'r', '/')).toEqual({ kind: 's3', bucket: 'bucket', prefix: 'a/b' });
  });

  it('resolves remote://base/sub onto the base remote, inheriting its options', async () => {
    const cfg = { core: { remote: 'sub' }, remotes: { base: { url: `s3://${server.bucket}/root`, endpointurl: server.endpoint }, sub: { url: 'remote://base/data' } } };
    const { remote } = await openRemote(cfg, '/');
    expect(remote.url).toBe(`${server.endpoint}/${server.bucket}/root/data`);
    remote.close();
  });

  it('reports missing credentials as REMOTE_AUTH with what to set', async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(tmp.dir, 'no-credentials');
    process.env.AWS_CONFIG_FILE = path.join(tmp.dir, 'no-config');
    try {
      const { remote } = await openRemote(s3({}), '/', 'r', { retry: TEST_RETRY });
      await expect(probeRemote(remote)).rejects.toMatchObject({ code: 'REMOTE_AUTH', message: expect.stringContaining('No AWS credentials found for remote "r"') });
      remote.close();
    } finally {
      process.env = saved;
    }
  });

  it('reports rejected credentials, a missing bucket and an unreachable endpoint clearly', async () => {
    const bad = (await openRemote(s3({ access_key_id: 'WRONG', secret_access_key: 'WRONG' }), '/', 'r', { retry: TEST_RETRY })).remote;
    await expect(probeRemote(bad)).rejects.toMatchObject({ code: 'REMOTE_AUTH' });
    bad.close();

    const noBucket = (await openRemote({ core: {}, remotes: { r: { url: 's3://no-such-bucket/p', endpointurl: server.endpoint, access_key_id: S3RVER_KEY, secret_access_key: S3RVER_SECRET } } }, '/', 'r', { retry: TEST_RETRY })).remote;
    await expect(probeRemote(noBucket)).rejects.toMatchObject({ code: 'REMOTE_NOT_FOUND', message: expect.stringContaining('bucket "no-such-bucket"') });
    noBucket.close();

    // A port nobody listens on: grab a free one and close it.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = (await openRemote(s3({ endpointurl: `http://127.0.0.1:${port}`, access_key_id: S3RVER_KEY, secret_access_key: S3RVER_SECRET }), '/', 'r', { retry: TEST_RETRY })).remote;
    await expect(probeRemote(down)).rejects.toMatchObject({ code: 'REMOTE_ERROR', message: expect.stringContaining('Cannot reach the endpoint') });
    down.close();
  });

  it('probes a working S3 remote and a folder remote: write, read back, delete', async () => {
    const ok = (await openRemote(s3({ access_key_id: S3RVER_KEY, secret_access_key: S3RVER_SECRET }), '/', 'r', { retry: TEST_RETRY })).remote;
    expect((await probeRemote(ok)).map((s) => s.step)).toEqual(['bucket', 'write', 'read', 'delete']);
    const listed: string[] = [];
    for await (const k of ok.list('')) listed.push(k);
    expect(listed).toEqual([]);
    ok.close();
    const folder = await localRemote(path.join(tmp.dir, 'folder-remote'));
    expect((await probeRemote(folder)).map((s) => s.step)).toEqual(['write', 'read', 'delete']);
  });
});
