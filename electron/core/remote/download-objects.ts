import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore } from '../cache/odb.ts';
import { fromFsError, isLockstepError } from '../errors/index.ts';
import type { IndexDb } from '../index/db.ts';
import { listPartialDownloads } from '../index/remote-transfers.ts';
import type { ProgressFn } from '../jobs/progress.ts';
import { downloadOne } from './download-one.ts';
import { DownloadPublisher, type PublishLimits } from './download-publisher.ts';
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
  /** Given each small object's verified bytes (see download-one.ts). */
  readonly onVerified?: (ref: ObjectRef, bytes: Buffer) => void;
  /** How many verified objects are flushed to the cache at once (tests make it small). */
  readonly publishLimits?: PublishLimits;
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
  // Only objects listed in their cache folder need the full check (stat, and re-hash unless 0444).
  const listed = await listedInCache(p.odb, [...unique.values()]);
  await runPool([...unique.entries()], p.jobs, async ([key, ref]) => {
    if (listed.has(key) && (await p.odb.has(ref.oid, ref.hashName))) result.alreadyCached++;
    else todo.push({ ref, key });
  }, { signal: p.signal });
  if (todo.length === 0) return result;
  const totalBytes = todo.reduce((s, t) => s + (t.ref.size ?? 0), 0);
  const meter = new TransferMeter('download', { files: todo.length, bytes: totalBytes }, p.onProgress);
  // Partial names carry the remote and the repository, so two repositories sharing a cache never collide.
  const tag = createHash('sha1').update(`${p.remote.url}\0${p.index?.file ?? ''}`).digest('hex').slice(0, 12);
  const got: ObjectRef[] = [];
  todo.sort((a, b) => (b.ref.size ?? 0) - (a.ref.size ?? 0));
  // Set up once what each download would otherwise look up itself: the folder, its files, the resume records.
  await mkdir(p.partialDir, { recursive: true }).catch((err: unknown) => {
    throw fromFsError(err, p.partialDir, 'create the download folder');
  });
  const partials = new Set(await readdir(p.partialDir).catch((err: unknown) => {
    throw fromFsError(err, p.partialDir, 'list the download folder');
  }));
  const records = p.index ? listPartialDownloads(p.index, p.remote.url) : new Map();
  const publisher = new DownloadPublisher(p.odb, { index: p.index, remoteUrl: p.remote.url, limits: p.publishLimits });
  let failure: { err: unknown } | undefined;
  try {
    await runPool(todo, p.jobs, async ({ ref, key }) => {
      // The layout is part of the name: a legacy and a 3.x output may need the same oid (identical bytes).
      const name = `${tag}-${ref.hashName === 'md5' ? '' : 'legacy-'}${ref.oid}.part`;
      try {
        const n = await downloadOne({
          remote: p.remote, odb: p.odb, index: p.index, ref, key, signal: p.signal,
          partialPath: path.join(p.partialDir, name), resume: records.get(key) ?? null, partialExists: partials.has(name), publisher, onVerified: p.onVerified,
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
  } catch (err) {
    failure = { err };
  }
  rememberPresent(p.index, p.remote, got);
  // Also after a failure or a cancel: what arrived intact is kept.
  try {
    await publisher.flush();
  } catch (err) {
    failure ??= { err };
  }
  if (failure) throw failure.err;
  return result;
}

/** Keys of `refs` whose names appear in their cache folder: one listing per folder instead of a stat per object. */
async function listedInCache(odb: ObjectStore, refs: readonly ObjectRef[]): Promise<Set<string>> {
  const byDir = new Map<string, ObjectRef[]>();
  for (const r of refs) {
    const dir = path.dirname(odb.pathFor(r.oid, r.hashName));
    let list = byDir.get(dir);
    if (!list) byDir.set(dir, (list = []));
    list.push(r);
  }
  const listed = new Set<string>();
  await runPool([...byDir], 16, async ([dir, list]) => {
    let names: Set<string>;
    try {
      names = new Set(await readdir(dir));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw fromFsError(err, dir, 'list the cache folder');
    }
    for (const r of list) if (names.has(path.basename(odb.pathFor(r.oid, r.hashName)))) listed.add(objectKey(r.oid, r.hashName));
  });
  return listed;
}
