import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openIndex, type IndexDb } from '../../../electron/core/index/db.ts';
import { getMultipart } from '../../../electron/core/index/remote-transfers.ts';
import { indexMultipartStore } from '../../../electron/core/remote/multipart-index-store.ts';
import { objectKey } from '../../../electron/core/remote/object-key.ts';
import { choosePartSize } from '../../../electron/core/remote/s3-multipart.ts';
import type { Remote } from '../../../electron/core/remote/types.ts';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { s3Remote, writeRandomFile } from './fixtures.ts';

const MiB = 1024 * 1024;
let server: S3rverHandle;
let proxy: FaultProxy;
let tmp: { dir: string; cleanup: () => Promise<void> };
let index: IndexDb;
const opened: { close(): void }[] = [];

beforeAll(async () => {
  server = await startS3rver();
  proxy = await startFaultProxy(server.endpoint);
  tmp = await makeTempDir();
  index = openIndex({ dvcDir: path.join(tmp.dir, '.dvc') });
});
afterEach(() => {
  proxy.clearRules();
  proxy.requests.splice(0);
});
afterAll(async () => {
  for (const o of opened) o.close();
  index?.close();
  await proxy?.close();
  await server?.stop();
  await tmp?.cleanup();
});

async function remoteWith(prefix: string, attempts: number): Promise<Remote> {
  const r = await s3Remote(proxy.endpoint, server.bucket, prefix, {}, {
    multipartThreshold: 5 * MiB, partSize: 5 * MiB, partConcurrency: 1, retry: { attempts, baseDelayMs: 10, maxDelayMs: 50 },
  });
  opened.push(r);
  return r;
}

async function remoteMd5(remote: Remote, key: string): Promise<string> {
  const h = createHash('md5');
  const { stream } = await remote.read(key);
  for await (const c of stream) h.update(c as Buffer);
  return h.digest('hex');
}

const query = (url: string, name: string): string | null => new URL(url, 'http://proxy').searchParams.get(name);
const partPut = (n: number) => (r: { method: string; url: string }): boolean => r.method === 'PUT' && query(r.url, 'partNumber') === String(n);

describe('multipart uploads', () => {
  it('picks part sizes that respect the 10,000-part limit', () => {
    expect(choosePartSize(12 * MiB, 5 * MiB)).toBe(5 * MiB);
    expect(choosePartSize(100_000 * MiB, 16 * MiB)).toBe(16 * MiB);
    expect(choosePartSize(500_000 * MiB, 16 * MiB)).toBe(50 * MiB);
  });

  it('streams parts, retries a part whose connection was reset, and stores the file intact', async () => {
    await mkdir(path.join(tmp.dir, 'a'), { recursive: true });
    const src = path.join(tmp.dir, 'a', 'big');
    const size = 12 * MiB + 123;
    const md5 = await writeRandomFile(src, size);
    const remote = await remoteWith('mp-retry', 5);
    proxy.addRule({ match: partPut(2), fault: { kind: 'reset-request', afterBytes: MiB }, times: 1 });
    await remote.upload(src, objectKey(md5, 'md5'), { size, md5, multipart: indexMultipartStore(index, remote.url) });
    const parts = proxy.requests.filter((r) => r.method === 'PUT' && query(r.url, 'uploadId') !== null);
    expect(parts.map((p) => query(p.url, 'partNumber'))).toEqual(['1', '2', '2', '3']);
    expect(await remoteMd5(remote, objectKey(md5, 'md5'))).toBe(md5);
    expect(getMultipart(index, remote.url, objectKey(md5, 'md5'))).toBeUndefined();
  });

  it('resumes an interrupted upload from the last completed part, sending finished parts never again', async () => {
    await mkdir(path.join(tmp.dir, 'b'), { recursive: true });
    const src = path.join(tmp.dir, 'b', 'big');
    const size = 17 * MiB;
    const md5 = await writeRandomFile(src, size);
    const key = objectKey(md5, 'md5');
    const failing = await remoteWith('mp-resume', 2);
    // Part 3 can never get through: the first run fails after parts 1 and 2 were acknowledged.
    proxy.addRule({ match: partPut(3), fault: { kind: 'reset-request', afterBytes: 2 * MiB }, times: Infinity });
    await expect(failing.upload(src, key, { size, md5, multipart: indexMultipartStore(index, failing.url) })).rejects.toMatchObject({ code: 'REMOTE_ERROR' });
    const saved = getMultipart(index, failing.url, key);
    expect(saved?.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(await failing.stat(key)).toBeNull();

    proxy.clearRules();
    proxy.requests.splice(0);
    const remote = await remoteWith('mp-resume', 5);
    expect(remote.url).toBe(failing.url);
    await remote.upload(src, key, { size, md5, multipart: indexMultipartStore(index, remote.url) });
    const sentParts = proxy.requests.filter((r) => r.method === 'PUT' && query(r.url, 'uploadId') !== null);
    expect(sentParts.map((p) => query(p.url, 'partNumber'))).toEqual(['3', '4']);
    const bodyBytes = sentParts.reduce((s, r) => s + r.reqBytes, 0);
    expect(bodyBytes).toBe(size - 10 * MiB);
    // Completed under the upload id remembered from the first run.
    expect(proxy.requests.some((r) => r.method === 'POST' && query(r.url, 'uploadId') === saved!.uploadId)).toBe(true);
    expect(await remoteMd5(remote, key)).toBe(md5);
    expect(getMultipart(index, remote.url, key)).toBeUndefined();
  });
});
