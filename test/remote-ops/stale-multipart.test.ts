import { createHash } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIndex, type IndexDb } from '../../electron/core/index/db.ts';
import { add } from '../../electron/core/ops/add.ts';
import { remoteModify } from '../../electron/core/ops/remote-config.ts';
import { objectKey } from '../../electron/core/remote/object-key.ts';
import { STALE_UPLOAD_MS } from '../../electron/core/remote/stale-uploads.ts';
import { openRepo } from '../../electron/core/repo/open-repo.ts';
import { collect, runCli, spawnCli, type CliRun } from '../helpers/cli.ts';
import { startFaultProxy, type FaultProxy, type ProxiedRequest } from '../helpers/fault-proxy.ts';
import { makeGitRepo, type TestGitRepo } from '../helpers/git-repo.ts';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';
import { s3Remote, writeRandomFile } from '../core/remote/fixtures.ts';
import { configureRemote } from './repo-fixture.ts';

// Stale multipart uploads are aborted with AbortMultipartUpload, which s3rver 3.7.1 does not implement (it
// answers 405 MethodNotAllowed): the fault proxy answers those requests itself, as S3 does, and records them.
// Every upload left behind here is a real one: a CLI push SIGKILLed while one part's answer is held back.

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const SIZE = 3 * PART;
const ENV = { LOCKSTEP_S3_PART_SIZE: String(PART), LOCKSTEP_S3_MULTIPART_THRESHOLD: String(PART) };
const DAY = 24 * 3600 * 1000;
const LONG = 180_000;

let server: S3rverHandle;
let proxy: FaultProxy;
const repos: TestGitRepo[] = [];

beforeAll(async () => {
  server = await startS3rver();
  proxy = await startFaultProxy(server.endpoint, { emulateAbortMultipart: true });
});
afterAll(async () => {
  await proxy?.close();
  await server?.stop();
  for (const r of repos) await r.cleanup();
});

const query = (url: string, name: string): string | null => new URL(url, 'http://proxy').searchParams.get(name);
const pathOf = (url: string): string => new URL(url, 'http://proxy').pathname;
const isPartPut = (r: { method: string; url: string }): boolean => r.method === 'PUT' && query(r.url, 'partNumber') !== null;
const isAbort = (r: { method: string; url: string }): boolean => r.method === 'DELETE' && query(r.url, 'uploadId') !== null;
const isCreate = (r: { method: string; url: string }): boolean => r.method === 'POST' && new URL(r.url, 'http://proxy').searchParams.has('uploads');

interface PushJson {
  uploaded: number;
  abortedStaleUploads: number;
  remotes: { remote: string; abortedStaleUploads: number }[];
}

interface UploadRow { key: string; upload_id: string; md5: string; size: number; started_at: number }

/** A repo whose push of `big.bin` was SIGKILLed mid-multipart, leaving one upload recorded in its index. */
interface Leftover {
  readonly repo: TestGitRepo;
  readonly index: IndexDb;
  readonly md5: string;
  readonly key: string;
  readonly uploadId: string;
  /** The upload's request path on the proxy, `/bucket/prefix/key`. */
  readonly path: string;
  /** Part numbers the index remembers as acknowledged. */
  readonly savedParts: Set<number>;
  readonly prefix: string;
}

function uploadRows(index: IndexDb): UploadRow[] {
  return index.db.prepare<[], UploadRow>('SELECT key, upload_id, md5, size, started_at FROM multipart_uploads ORDER BY key').all();
}

function partCount(index: IndexDb): number {
  return index.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM multipart_parts').get()?.n ?? 0;
}

/**
 * Builds a repo tracking `big.bin` (3 parts) and `small.txt`, pushes it through the proxy with the answer to
 * part 1 held back, waits until parts 2 and 3 are recorded in the index and SIGKILLs the CLI. The held part
 * never completes, so the upload is left open on the server and in the index, exactly as after a crash.
 */
async function leaveUploadBehind(prefix: string): Promise<Leftover> {
  const repo = await makeGitRepo({ dvc: true });
  repos.push(repo);
  const md5 = await writeRandomFile(repo.abs('big.bin'), SIZE);
  await repo.write({ 'small.txt': `small file of ${prefix}\n` });
  const dvcDir = path.join(repo.dir, '.dvc');
  await configureRemote(dvcDir, { kind: 's3', endpoint: proxy.endpoint, bucket: server.bucket, prefix });
  // The held-back part must hang until the kill rather than time out and be retried (2 s in configureRemote).
  await remoteModify({ dvcDir }, { name: 'storage', option: 'read_timeout', value: '600' });
  const r = await openRepo(repo.dir);
  try {
    await add(r, { targets: ['big.bin', 'small.txt'] });
  } finally {
    r.close();
  }
  const key = objectKey(md5, 'md5');
  const holdPart1 = (q: { method: string; url: string }): boolean => isPartPut(q) && query(q.url, 'partNumber') === '1' && pathOf(q.url).endsWith(`/${prefix}/${key}`);
  proxy.addRule({ match: holdPart1, fault: { kind: 'delay', ms: 600_000 } });
  const child = spawnCli(['push', '--json'], { cwd: repo.dir, env: ENV });
  child.stdin.end();
  const done = collect(child, LONG);
  const index = openIndex({ dvcDir });
  for (let i = 0; i < 1200 && partCount(index) < 2; i++) await sleep(50);
  child.kill('SIGKILL');
  const killed = await done;
  expect(killed.signal, killed.stderr).toBe('SIGKILL');
  const rows = uploadRows(index);
  expect(rows).toHaveLength(1);
  const row = rows[0] as UploadRow;
  expect(row.key).toBe(key);
  const savedParts = new Set(index.db.prepare<[], { part_number: number }>('SELECT part_number FROM multipart_parts').all().map((p) => p.part_number));
  expect(savedParts).toEqual(new Set([2, 3]));
  proxy.requests.splice(0);
  return { repo, index, md5, key, uploadId: row.upload_id, path: `/${server.bucket}/${prefix}/${key}`, savedParts, prefix };
}

/** Puts big.bin's object on the remote behind the index's back (as another machine's push would). */
async function putObjectDirectly(l: Leftover): Promise<void> {
  const remote = await s3Remote(server.endpoint, server.bucket, l.prefix);
  try {
    await remote.upload(l.repo.abs(`.dvc/cache/files/md5/${l.md5.slice(0, 2)}/${l.md5.slice(2)}`), l.key, { size: SIZE, md5: l.md5 });
  } finally {
    remote.close();
  }
}

async function push(l: Leftover, args: string[] = []): Promise<CliRun> {
  proxy.requests.splice(0);
  const run = await runCli(['push', ...args], { cwd: l.repo.dir, env: ENV, timeoutMs: LONG });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  return run;
}

/** The abort requests the last push sent. */
const aborts = (): ProxiedRequest[] => proxy.requests.filter(isAbort);

async function remoteMd5(l: Leftover): Promise<string> {
  const remote = await s3Remote(server.endpoint, server.bucket, l.prefix);
  try {
    const h = createHash('md5');
    const { stream } = await remote.read(l.key);
    for await (const c of stream) h.update(c as Buffer);
    return h.digest('hex');
  } finally {
    remote.close();
  }
}

describe('stale multipart uploads on an S3 remote', () => {
  it('aborts an upload whose object is already complete on the remote, once, and forgets it', async () => {
    const l = await leaveUploadBehind('present');
    try {
      await putObjectDirectly(l);
      proxy.abortedUploads.splice(0);
      const out = (await push(l, ['--json'])).json<PushJson>();
      expect(out.uploaded).toBe(0);
      expect(out.abortedStaleUploads).toBe(1);
      expect(out.remotes.map((r) => r.abortedStaleUploads)).toEqual([1]);
      const sent = aborts();
      expect(sent).toHaveLength(1);
      expect(pathOf((sent[0] as ProxiedRequest).url)).toBe(l.path);
      expect(query((sent[0] as ProxiedRequest).url, 'uploadId')).toBe(l.uploadId);
      expect((sent[0] as ProxiedRequest).status).toBe(204);
      expect(proxy.abortedUploads).toEqual([{ path: l.path, uploadId: l.uploadId }]);
      expect(proxy.requests.filter((r) => isPartPut(r) || isCreate(r))).toEqual([]);
      expect(uploadRows(l.index)).toEqual([]);
      expect(partCount(l.index)).toBe(0);
    } finally {
      l.index.close();
    }
  }, LONG);

  it('aborts an upload older than the stale limit that the push does not touch, and keeps a recent one', async () => {
    const l = await leaveUploadBehind('aged');
    try {
      l.index.db.prepare('UPDATE multipart_uploads SET started_at = ?').run(Date.now() - STALE_UPLOAD_MS - DAY);
      // A recent upload of another object, not part of this push either: still resumable later, so kept.
      const otherKey = objectKey('0123456789abcdef0123456789abcdef', 'md5');
      l.index.db
        .prepare('INSERT INTO multipart_uploads (remote, key, upload_id, md5, size, part_size, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(`s3://${server.bucket}/${l.prefix}`, otherKey, 'recent-upload-id', '0123456789abcdef0123456789abcdef', SIZE, PART, Date.now() - 6 * DAY);
      proxy.abortedUploads.splice(0);
      const out = (await push(l, ['small.txt', '--json'])).json<PushJson>();
      expect(out.abortedStaleUploads).toBe(1);
      const sent = aborts();
      expect(sent.map((r) => [pathOf(r.url), query(r.url, 'uploadId'), r.status])).toEqual([[l.path, l.uploadId, 204]]);
      expect(proxy.abortedUploads).toEqual([{ path: l.path, uploadId: l.uploadId }]);
      expect(proxy.requests.filter(isPartPut)).toEqual([]);
      expect(uploadRows(l.index).map((r) => [r.key, r.upload_id])).toEqual([[otherKey, 'recent-upload-id']]);
    } finally {
      l.index.close();
    }
  }, LONG);

  it('aborts a recorded upload made from other bytes under the same key, then uploads afresh', async () => {
    const l = await leaveUploadBehind('changed');
    try {
      // The record no longer matches the object (as if written for other bytes): the part loop cannot resume it.
      l.index.db.prepare('UPDATE multipart_uploads SET md5 = ?').run('f'.repeat(32));
      proxy.abortedUploads.splice(0);
      const out = (await push(l, ['--json'])).json<PushJson>();
      expect(out.uploaded).toBeGreaterThanOrEqual(1);
      expect(out.abortedStaleUploads).toBe(1);
      expect(aborts().map((r) => [pathOf(r.url), query(r.url, 'uploadId'), r.status])).toEqual([[l.path, l.uploadId, 204]]);
      expect(proxy.abortedUploads).toEqual([{ path: l.path, uploadId: l.uploadId }]);
      // A new upload carried every part; the aborted id was never used again.
      expect(proxy.requests.filter((r) => isCreate(r) && pathOf(r.url) === l.path)).toHaveLength(1);
      const parts = proxy.requests.filter(isPartPut);
      expect(parts.map((r) => Number(query(r.url, 'partNumber'))).sort()).toEqual([1, 2, 3]);
      expect(parts.reduce((s, r) => s + r.reqBytes, 0)).toBe(SIZE);
      expect(parts.every((r) => query(r.url, 'uploadId') !== l.uploadId)).toBe(true);
      expect(uploadRows(l.index)).toEqual([]);
      expect(await remoteMd5(l)).toBe(l.md5);
    } finally {
      l.index.close();
    }
  }, LONG);

  it.each([
    ['a recent upload', 0],
    ['an upload past the stale limit', STALE_UPLOAD_MS + DAY],
  ])('resumes %s of an object this push sends instead of aborting it, sending only the missing part', async (_what, age) => {
    const l = await leaveUploadBehind(age === 0 ? 'resume-recent' : 'resume-old');
    try {
      if (age > 0) l.index.db.prepare('UPDATE multipart_uploads SET started_at = ?').run(Date.now() - age);
      const out = (await push(l, ['--json'])).json<PushJson>();
      expect(out.abortedStaleUploads).toBe(0);
      expect(aborts()).toEqual([]);
      expect(proxy.requests.filter(isCreate)).toEqual([]);
      const parts = proxy.requests.filter(isPartPut);
      expect(parts.map((r) => [Number(query(r.url, 'partNumber')), query(r.url, 'uploadId')])).toEqual([[1, l.uploadId]]);
      expect(parts.reduce((s, r) => s + r.reqBytes, 0)).toBe(SIZE - l.savedParts.size * PART);
      expect(uploadRows(l.index)).toEqual([]);
      expect(await remoteMd5(l)).toBe(l.md5);
    } finally {
      l.index.close();
    }
  }, LONG);

  it('aborts the recorded upload of an object this push sends whole in a single PUT', async () => {
    const l = await leaveUploadBehind('single-put');
    try {
      proxy.abortedUploads.splice(0);
      proxy.requests.splice(0);
      // Default tuning: 15 MiB is below the 64 MiB multipart threshold, so the object goes up in one PUT.
      const run = await runCli(['push', '--json'], { cwd: l.repo.dir, timeoutMs: LONG });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.json<PushJson>().abortedStaleUploads).toBe(1);
      expect(proxy.requests.filter((r) => r.method === 'PUT' && pathOf(r.url) === l.path).map((r) => [query(r.url, 'partNumber'), r.reqBytes])).toEqual([[null, SIZE]]);
      expect(aborts().map((r) => [pathOf(r.url), query(r.url, 'uploadId'), r.status])).toEqual([[l.path, l.uploadId, 204]]);
      expect(proxy.abortedUploads).toEqual([{ path: l.path, uploadId: l.uploadId }]);
      expect(uploadRows(l.index)).toEqual([]);
      expect(await remoteMd5(l)).toBe(l.md5);
    } finally {
      l.index.close();
    }
  }, LONG);

  it('keeps the record when the abort fails (server error, dropped connection) and retries it on the next push', async () => {
    const l = await leaveUploadBehind('abort-fails');
    try {
      await putObjectDirectly(l);
      proxy.abortedUploads.splice(0);

      proxy.addRule({ match: isAbort, fault: { kind: 'error', status: 500, code: 'InternalError' } });
      const first = (await push(l, ['--json'])).json<PushJson>();
      expect(first.abortedStaleUploads).toBe(0);
      expect(aborts().map((r) => [query(r.url, 'uploadId'), r.status, r.fault])).toEqual([[l.uploadId, 500, 'error']]);
      expect(uploadRows(l.index).map((r) => r.upload_id)).toEqual([l.uploadId]);

      proxy.addRule({ match: isAbort, fault: { kind: 'reset-request', afterBytes: 0 } });
      const second = (await push(l, ['--json'])).json<PushJson>();
      expect(second.abortedStaleUploads).toBe(0);
      expect(aborts().map((r) => [query(r.url, 'uploadId'), r.status, r.fault])).toEqual([[l.uploadId, undefined, 'reset-request']]);
      expect(uploadRows(l.index).map((r) => r.upload_id)).toEqual([l.uploadId]);
      expect(proxy.abortedUploads).toEqual([]);

      // The human output says what happened too.
      const third = await push(l);
      expect(third.stdout).toContain('Aborted 1 stale multipart upload left on the remote');
      expect(aborts().map((r) => [pathOf(r.url), query(r.url, 'uploadId'), r.status])).toEqual([[l.path, l.uploadId, 204]]);
      expect(proxy.abortedUploads).toEqual([{ path: l.path, uploadId: l.uploadId }]);
      expect(uploadRows(l.index)).toEqual([]);
      expect(partCount(l.index)).toBe(0);
    } finally {
      l.index.close();
    }
  }, LONG);
});
