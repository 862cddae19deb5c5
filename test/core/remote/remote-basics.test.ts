import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Bytes } from '../../../electron/core/hash/md5-file.ts';
import { objectKey } from '../../../electron/core/remote/object-key.ts';
import type { Remote } from '../../../electron/core/remote/types.ts';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { localRemote, readAll, s3Remote } from './fixtures.ts';

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

const kinds = ['s3', 'local'] as const;

describe.each(kinds)('%s remote basics', (kind) => {
  let remote: Remote;
  let n = 0;
  const fresh = (): Promise<Remote> => {
    n++;
    return kind === 's3' ? s3Remote(server.endpoint, server.bucket, `basics-${n}`) : localRemote(path.join(tmp.dir, `remote-${n}`));
  };

  it('uploads, stats, lists, reads from an offset and removes an object', async () => {
    remote = await fresh();
    const body = Buffer.from('hello lockstep remote\n'.repeat(1000));
    const md5 = md5Bytes(body);
    const key = objectKey(md5, 'md5');
    const src = path.join(tmp.dir, `src-${kind}`);
    await writeFile(src, body);
    expect(await remote.stat(key)).toBeNull();
    expect(await remote.exists(key, { oid: md5, hashName: 'md5' })).toBe(false);
    await remote.upload(src, key, { size: body.length, md5 });
    expect((await remote.stat(key))?.size).toBe(body.length);
    expect(await remote.exists(key, { oid: md5, hashName: 'md5', size: body.length })).toBe(true);
    expect(await readAll(remote, key)).toEqual(body);
    const tail = await remote.read(key, { offset: 100 });
    const chunks: Buffer[] = [];
    for await (const c of tail.stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks)).toEqual(body.subarray(100));
    expect(tail.size).toBe(body.length);
    const listed: string[] = [];
    for await (const k of remote.list('files/md5/')) listed.push(k);
    expect(listed).toEqual([key]);
    await remote.remove(key);
    expect(await remote.stat(key)).toBeNull();
    await remote.remove(key); // removing twice is fine
    remote.close();
  });

  it('refuses an upload whose bytes do not match the md5 it claims, leaving nothing under the key', async () => {
    remote = await fresh();
    const src = path.join(tmp.dir, `liar-${kind}`);
    await writeFile(src, 'actual content');
    const claimed = md5Bytes(Buffer.from('other content'));
    const key = objectKey(claimed, 'md5');
    await expect(remote.upload(src, key, { size: 14, md5: claimed })).rejects.toMatchObject({ code: expect.stringMatching(/CORRUPT_OBJECT|REMOTE_ERROR/) });
    expect(await remote.stat(key)).toBeNull();
    remote.close();
  });

  it('reading a missing object is REMOTE_NOT_FOUND', async () => {
    remote = await fresh();
    await expect(remote.read('files/md5/00/0000000000000000000000000000aa')).rejects.toMatchObject({ code: 'REMOTE_NOT_FOUND' });
    remote.close();
  });
});

describe('local remote trust rule', () => {
  it('writes objects 0444 with no temp files left, and re-hashes objects that are not 0444', async () => {
    const root = path.join(tmp.dir, 'trust');
    const remote = await localRemote(root);
    const body = Buffer.from('trusted bytes');
    const md5 = md5Bytes(body);
    const key = objectKey(md5, 'md5');
    const src = path.join(tmp.dir, 'trust-src');
    await writeFile(src, body);
    await remote.upload(src, key, { size: body.length, md5 });
    const abs = path.join(root, 'files', 'md5', md5.slice(0, 2), md5.slice(2));
    expect((await stat(abs)).mode & 0o777).toBe(0o444);
    expect((await readdir(path.dirname(abs))).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    // A writable object with the right bytes is accepted (and protected again).
    await chmod(abs, 0o644);
    expect(await remote.exists(key, { oid: md5, hashName: 'md5' })).toBe(true);
    expect((await stat(abs)).mode & 0o777).toBe(0o444);

    // A writable object with wrong bytes is not trusted.
    const other = md5Bytes(Buffer.from('x'));
    const otherAbs = path.join(root, 'files', 'md5', other.slice(0, 2), other.slice(2));
    await mkdir(path.dirname(otherAbs), { recursive: true });
    await writeFile(otherAbs, 'not x', { mode: 0o644 });
    expect(await remote.exists(objectKey(other, 'md5'), { oid: other, hashName: 'md5' })).toBe(false);
  });
});
