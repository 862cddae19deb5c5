// Child process for the remote-small benchmark: replays the request pattern `dvc push` / `dvc pull` use
// for a folder of many small files on S3 (dvc-format.md §6.2-6.4), with the AWS SDK for JavaScript at
// DVC's default concurrency (4 x cores). It has none of DVC's Python overhead, so its time is a lower
// bound for DVC on the same server, reported for reference.
//   node dvc-pattern.ts push CACHE_DIR ENDPOINT BUCKET PREFIX    upload every object of the cache
//   node dvc-pattern.ts pull CACHE_DIR ENDPOINT BUCKET PREFIX    download every object into CACHE_DIR
// Pattern: one listing of files/md5/00/0 to estimate the remote's size; for this many objects DVC then
// lists files/md5/ completely; transfers run 4 x cores at a time, each object one PutObject/GetObject
// (md5-verified on download), and the `.dir` manifest goes last on push.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const [mode, cacheDir, endpoint, bucket, prefix] = process.argv.slice(2);
if ((mode !== 'push' && mode !== 'pull') || !cacheDir || !endpoint || !bucket || !prefix) {
  throw new Error('usage: node dvc-pattern.ts push|pull CACHE_DIR ENDPOINT BUCKET PREFIX');
}
const jobs = 4 * os.availableParallelism();
// Checksum settings as ENVIRONMENT.md requires for s3rver (the SDK defaults store streamed bodies corrupted).
const s3 = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
let requests = 0;

async function listAll(listPrefix: string, max?: number): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    requests++;
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: listPrefix, ContinuationToken: token, ...(max ? { MaxKeys: max } : {}) }));
    for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = max ? undefined : r.NextContinuationToken;
  } while (token);
  return keys;
}

async function pool<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const root = path.join(cacheDir, 'files', 'md5');
const t0 = performance.now();
await listAll(`${prefix}/files/md5/00/0`, 1000);
const remote = new Set(await listAll(`${prefix}/files/md5/`));
let objects = 0;
if (mode === 'push') {
  const rels: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) rels.push(path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  }
  const missing = rels.filter((r) => !remote.has(`${prefix}/files/md5/${r}`));
  const put = async (rel: string) => {
    const abs = path.join(root, rel);
    requests++;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}/files/md5/${rel}`, Body: createReadStream(abs), ContentLength: (await stat(abs)).size }));
    objects++;
  };
  await pool(missing.filter((r) => !r.endsWith('.dir')), put);
  for (const r of missing.filter((r) => r.endsWith('.dir'))) await put(r);
} else {
  const keys = [...remote];
  await pool(keys, async (key) => {
    const rel = key.slice(`${prefix}/files/md5/`.length);
    const dest = path.join(root, rel);
    await mkdir(path.dirname(dest), { recursive: true });
    requests++;
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const hash = createHash('md5');
    const tmp = `${dest}.tmp`;
    await pipeline(r.Body as Readable, async function* (src: AsyncIterable<Buffer>) {
      for await (const chunk of src) {
        hash.update(chunk);
        yield chunk;
      }
    }, createWriteStream(tmp));
    const want = rel.replace('/', '').replace(/\.dir$/, '');
    if (hash.digest('hex') !== want) throw new Error(`downloaded ${key} does not match its md5`);
    await rename(tmp, dest);
    objects++;
  });
}
process.stdout.write(JSON.stringify({ mode, objects, requests, jobs, ms: performance.now() - t0 }) + '\n');
