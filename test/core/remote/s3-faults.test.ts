import { chmod, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectStore } from '../../../electron/core/cache/odb.ts';
import { openIndex } from '../../../electron/core/index/db.ts';
import { downloadObjects } from '../../../electron/core/remote/download-objects.ts';
import { objectKey } from '../../../electron/core/remote/object-key.ts';
import { uploadObjects } from '../../../electron/core/remote/upload-objects.ts';
import { buildCache } from './cache-fixture.ts';
import { readAll, s3Remote, writeRandomFile } from './fixtures.ts';
import { useProxiedS3 } from '../../helpers/proxied-s3.ts';

const env = useProxiedS3({ resetProxy: true });

let n = 0;
async function setup(extra: Record<string, string> = {}) {
  n++;
  const root = path.join(env.tmp.dir, `f-${n}`);
  // read_timeout 1 s so an injected stall is given up on quickly.
  const remote = await s3Remote(env.proxy.endpoint, env.server.bucket, `faults-${n}`, { read_timeout: '1', ...extra });
  const index = openIndex({ dvcDir: path.join(root, '.dvc') });
  env.opened.push(remote, index);
  return { root, remote, index };
}

const isPut = (r: { method: string; url: string }): boolean => r.method === 'PUT' && !r.url.includes('uploadId');
const isGet = (r: { method: string; url: string }): boolean => r.method === 'GET' && r.url.includes('/files/md5/');

/** Every object in the remote matches its key's md5 (nothing corrupt was stored). */
async function assertRemoteIntact(remote: Awaited<ReturnType<typeof s3Remote>>, contents: Map<string, Buffer>): Promise<void> {
  for (const [oid, body] of contents) expect(await readAll(remote, objectKey(oid, 'md5'))).toEqual(body);
}

/**
 * Bit rot in a trusted (read-only) cache object: same size, first byte flipped, mode 0444 again, so only the
 * content can tell. Returns the path.
 */
async function rot(file: string): Promise<string> {
  const bytes = Buffer.from(await readFile(file));
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  await chmod(file, 0o644);
  await writeFile(file, bytes);
  await chmod(file, 0o444);
  return file;
}

describe('S3 transfers through a faulty network', () => {
  it('uploads .dir objects last (after every entry)', async () => {
    const { root, remote, index } = await setup();
    const fx = await buildCache(root, 6, 'order');
    await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 4 });
    const puts = env.proxy.requests.filter(isPut);
    expect(puts).toHaveLength(8);
    expect(puts.at(-1)?.url).toContain(fx.dir.oid.slice(2));
  });

  it('retries 503 SlowDown, resets mid request body and mid response body, and stalls, and stores nothing corrupt', async () => {
    const { root, remote, index } = await setup();
    const fx = await buildCache(root, 8, 'flaky');
    env.proxy.addRule({ match: isPut, fault: { kind: 'error', status: 503, code: 'SlowDown' }, times: 3 });
    env.proxy.addRule({ match: isPut, fault: { kind: 'reset-request', afterBytes: 100 }, times: 2 });
    const up = await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 3 });
    expect(up).toMatchObject({ uploaded: 10, failed: [] });
    expect(env.proxy.requests.filter((r) => r.fault === 'error')).toHaveLength(3);
    expect(env.proxy.requests.filter((r) => r.fault === 'reset-request')).toHaveLength(2);
    await assertRemoteIntact(remote, fx.contents);

    env.proxy.addRule({ match: isGet, fault: { kind: 'reset-response', afterBytes: 200 }, times: 2 });
    env.proxy.addRule({ match: isGet, fault: { kind: 'stall', afterBytes: 100, ms: 5000 }, times: 1 });
    env.proxy.addRule({ match: isGet, fault: { kind: 'error', status: 500, code: 'InternalError' }, times: 1 });
    const odb2 = new ObjectStore(path.join(root, 'cache2'));
    const down = await downloadObjects({ remote, odb: odb2, refs: [fx.dir, ...fx.entries, fx.loose], partialDir: path.join(root, 'partial'), index, jobs: 3 });
    expect(down).toMatchObject({ downloaded: 10, failed: [] });
    expect(env.proxy.requests.filter((r) => r.fault === 'stall')).toHaveLength(1);
    for (const [oid, body] of fx.contents) expect(await readFile(odb2.pathFor(oid, 'md5'))).toEqual(body);
    // Resumed downloads asked for the rest only (Range), and no partial file is left.
    expect(await readdir(path.join(root, 'partial'))).toEqual([]);
  });

  it('resumes an interrupted download from its partial file with a Range request', async () => {
    const { root, remote, index } = await setup();
    const src = path.join(root, 'big');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(root, { recursive: true });
    const size = 3 * 1024 * 1024;
    const md5 = await writeRandomFile(src, size);
    await remote.upload(src, objectKey(md5, 'md5'), { size, md5 });
    const odb2 = new ObjectStore(path.join(root, 'cache2'));
    const ref = { oid: md5, hashName: 'md5' as const, size };
    // The first attempt dies after 1 MiB and no retries are allowed: the partial file stays.
    env.proxy.addRule({ match: isGet, fault: { kind: 'reset-response', afterBytes: 1024 * 1024 }, times: 1 });
    const noRetry = await s3Remote(env.proxy.endpoint, env.server.bucket, `faults-${n}`, {}, { retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    env.opened.push(noRetry);
    const { downloadOne } = await import('../../../electron/core/remote/download-one.ts');
    const partialPath = path.join(root, 'partial', 'x.part');
    await expect(downloadOne({ remote: noRetry, odb: odb2, index, ref, key: objectKey(md5, 'md5'), partialPath, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 } })).rejects.toMatchObject({ code: 'REMOTE_ERROR' });
    expect(await odb2.has(md5, 'md5')).toBe(false);
    const kept = (await stat(partialPath)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(1024 * 1024);
    env.proxy.requests.splice(0);
    await downloadOne({ remote, odb: odb2, index, ref, key: objectKey(md5, 'md5'), partialPath });
    const gets = env.proxy.requests.filter(isGet);
    expect(gets).toHaveLength(1);
    expect(gets[0]!.resBytes).toBe(size - kept);
    expect((await readFile(odb2.pathFor(md5, 'md5'))).equals(await readFile(src))).toBe(true);
  });

  it('rejects wrong bytes from a lying server: CORRUPT_OBJECT, nothing enters the cache', async () => {
    const { root, remote, index } = await setup();
    const fx = await buildCache(root, 2, 'liar');
    await uploadObjects({ remote, odb: fx.odb, groups: [{ files: fx.entries }], index, jobs: 2 });
    const victim = fx.entries[0]!;
    env.proxy.addRule({ match: (r) => r.method === 'GET' && r.url.includes(victim.oid.slice(2)), fault: { kind: 'corrupt' }, times: Infinity });
    const odb2 = new ObjectStore(path.join(root, 'cache2'));
    const res = await downloadObjects({ remote, odb: odb2, refs: fx.entries, partialDir: path.join(root, 'partial'), index, jobs: 2 });
    expect(res.downloaded).toBe(1);
    expect(res.failed).toHaveLength(1);
    expect(res.failed[0]).toMatchObject({ oid: victim.oid, code: 'CORRUPT_OBJECT' });
    expect(res.failed[0]!.message).toContain(victim.oid);
    expect(await odb2.has(victim.oid, 'md5')).toBe(false);
    expect(await readdir(path.join(root, 'partial'))).toEqual([]);
  });

  it('never stores a damaged local object: the etag gives it away, the push names it, its .dir waits', async () => {
    const { root, remote, index } = await setup();
    const fx = await buildCache(root, 2, 'rotten');
    const victim = fx.entries[0]!;
    const file = await rot(fx.odb.pathFor(victim.oid, 'md5'));
    const res = await uploadObjects({ remote, odb: fx.odb, groups: fx.groups, index, jobs: 2 });
    expect(res.failed.map((f) => f.oid)).toEqual([victim.oid]);
    expect(res.failed[0]).toMatchObject({ code: 'CORRUPT_OBJECT' });
    expect(res.failed[0]!.message).toContain(`${file} is damaged`);
    expect(res.dirsHeldBack).toEqual([fx.dir.oid]);
    expect(await remote.stat(objectKey(victim.oid, 'md5'))).toBeNull();
    expect(await remote.stat(objectKey(fx.dir.oid, 'md5'))).toBeNull();
    const rest = new Map([...fx.contents].filter(([oid]) => oid !== victim.oid && oid !== fx.dir.oid));
    await assertRemoteIntact(remote, rest);
  });

  it('names the damaged cache object when a server that checks Content-MD5 keeps answering BadDigest', async () => {
    const { root, remote, index } = await setup();
    const fx = await buildCache(root, 1, 'rotten-strict');
    const victim = fx.entries[0]!;
    const file = await rot(fx.odb.pathFor(victim.oid, 'md5'));
    // What AWS S3 answers for a body that does not match its Content-MD5 (s3rver stores it instead).
    env.proxy.addRule({ match: isPut, fault: { kind: 'error', status: 400, code: 'BadDigest' }, times: Infinity });
    const res = await uploadObjects({ remote, odb: fx.odb, groups: [{ files: fx.entries }], index, jobs: 1 });
    expect(res.failed).toEqual([expect.objectContaining({ oid: victim.oid, code: 'CORRUPT_OBJECT', message: expect.stringContaining(`${file} is damaged`) })]);
    expect(await remote.stat(objectKey(victim.oid, 'md5'))).toBeNull();
  });

  it('gives up with a clear REMOTE_ERROR when the server keeps throttling', async () => {
    const { root, remote, index } = await setup();
    const fx = await buildCache(root, 1, 'throttled');
    env.proxy.addRule({ match: isPut, fault: { kind: 'error', status: 503, code: 'SlowDown' }, times: Infinity });
    const res = await uploadObjects({ remote, odb: fx.odb, groups: [{ files: fx.entries }], index, jobs: 1 });
    expect(res.uploaded).toBe(0);
    expect(res.failed[0]).toMatchObject({ code: 'REMOTE_ERROR' });
    expect(res.failed[0]!.message).toMatch(/Remote "r".*SlowDown/);
    expect(env.proxy.requests.filter((r) => r.fault === 'error')).toHaveLength(6);
  });
});
