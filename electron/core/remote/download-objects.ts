import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ObjectStore } from '../cache/odb.ts';
import { isLockstepError } from '../errors/index.ts';
import type { IndexDb } from '../index/db.ts';
import type { ProgressFn } from '../jobs/progress.ts';
import { downloadOne } from './download-one.ts';
import { rememberPresent } from './existence.ts';
import { objectKey } from './object-key.ts';
import { runPool } from './pool.ts';
import { TransferMeter } from './transfer-progress.ts';
import type { ObjectRef, Remote } from './types.ts';
import type { TransferFailure } from './upload-objects.ts';

/** What to fetch and how. */
export interface DownloadParams {
  readonly remote: Remote;
  readonly odb: ObjectStore;
  readonly refs: readonly ObjectRef[];
  /** Folder for partial files; on the cache's filesystem so finished objects are renamed, not copied. */
  readonly partialDir: string;
  readonly index?: IndexDb;
  readonly jobs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressFn;
}

/** Outcome of a fetch. */
export interface DownloadResult {
  downloaded: number;
  bytes: number;
  alreadyCached: number;
  /** Objects the remote does not have. */
  missingOnRemote: string[];
  /** Objects that failed, corrupt ones included (CORRUPT_OBJECT); none of them entered the cache. */
  failed: TransferFailure[];
}

const FATAL = new Set(['ABORTED', 'REMOTE_AUTH', 'DISK_FULL', 'CONFIG_ERROR']);

/**
 * Brings the objects of `refs` that the cache lacks from the remote, `jobs` at a time. There is no separate
 * existence query: a GET is one request either way, and a 404 simply lands in `missingOnRemote`. Each object
 * is verified before it enters the cache (see downloadOne); failures are collected so one bad object does not
 * stop the rest, except failures that would hit every object (auth, disk full, cancel, unreachable).
 */
export async function downloadObjects(p: DownloadParams): Promise<DownloadResult> {
  const result: DownloadResult = { downloaded: 0, bytes: 0, alreadyCached: 0, missingOnRemote: [], failed: [] };
  const unique = new Map<string, ObjectRef>();
  for (const r of p.refs) unique.set(objectKey(r.oid, r.hashName), r);
  const todo: { ref: ObjectRef; key: string }[] = [];
  await runPool([...unique.entries()], p.jobs, async ([key, ref]) => {
    if (await p.odb.has(ref.oid, ref.hashName)) result.alreadyCached++;
    else todo.push({ ref, key });
  }, { signal: p.signal });
  const totalBytes = todo.reduce((s, t) => s + (t.ref.size ?? 0), 0);
  const meter = new TransferMeter('download', { files: todo.length, bytes: totalBytes }, p.onProgress);
  // Partial names carry the remote and the repository, so two repositories sharing a cache never collide.
  const tag = createHash('sha1').update(`${p.remote.url}\0${p.index?.file ?? ''}`).digest('hex').slice(0, 12);
  const got: ObjectRef[] = [];
  todo.sort((a, b) => (b.ref.size ?? 0) - (a.ref.size ?? 0));
  try {
    await runPool(todo, p.jobs, async ({ ref, key }) => {
      try {
        const n = await downloadOne({
          remote: p.remote, odb: p.odb, index: p.index, ref, key, signal: p.signal,
          partialPath: path.join(p.partialDir, `${tag}-${ref.oid}.part`),
          onBytes: (d) => meter.addBytes(d, ref.oid),
        });
        result.downloaded++;
        result.bytes += n;
        got.push(ref);
        meter.fileDone(ref.oid);
      } catch (err) {
        if (isLockstepError(err) && (FATAL.has(err.code) || err.data.unreachable === true || err.data.s3Code === 'NoSuchBucket')) throw err;
        if (isLockstepError(err, 'REMOTE_NOT_FOUND')) {
          result.missingOnRemote.push(ref.oid);
          return;
        }
        result.failed.push({ oid: ref.oid, code: isLockstepError(err) ? err.code : 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
      }
    }, { signal: p.signal });
  } finally {
    rememberPresent(p.index, p.remote, got);
  }
  return result;
}
