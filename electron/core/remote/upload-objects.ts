import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { OBJECT_MODE, type ObjectStore } from '../cache/odb.ts';
import { fromFsError, isLockstepError } from '../errors/index.ts';
import type { IndexDb } from '../index/db.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import { LoopBudget } from '../jobs/loop-budget.ts';
import type { ProgressFn } from '../jobs/progress.ts';
import { queryRemote, rememberPresent } from './existence.ts';
import { indexMultipartStore } from './multipart-index-store.ts';
import { expectedMd5, objectKey } from './object-key.ts';
import { runPool } from './pool.ts';
import { abortStaleUploads, staleReason } from './stale-uploads.ts';
import { TransferMeter } from './transfer-progress.ts';
import type { ObjectRef, Remote } from './types.ts';

/** A directory's objects (its `.dir` and entries), or loose file objects when `dir` is absent. */
export interface ObjectGroup {
  readonly dir?: ObjectRef;
  readonly files: readonly ObjectRef[];
}

/** What to push and how. */
export interface UploadParams {
  readonly remote: Remote;
  readonly odb: ObjectStore;
  readonly groups: readonly ObjectGroup[];
  readonly index?: IndexDb;
  readonly jobs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressFn;
}

/** One object that could not be pushed. */
export interface TransferFailure {
  readonly oid: string;
  readonly code: string;
  readonly message: string;
}

/** Outcome of a push. Counts include `.dir` objects, as DVC's do. */
export interface UploadResult {
  uploaded: number;
  bytes: number;
  alreadyPresent: number;
  /** Objects missing both locally and on the remote (DVC warns about these). */
  missingEverywhere: string[];
  failed: TransferFailure[];
  /** `.dir` objects held back because an entry failed or is missing everywhere. */
  dirsHeldBack: string[];
  /** Multipart uploads left behind by earlier pushes that were aborted on the remote (see stale-uploads.ts). */
  abortedStaleUploads: number;
}

// Errors that will hit every other object too: stop at once instead of failing each one.
const FATAL = new Set(['ABORTED', 'REMOTE_AUTH', 'DISK_FULL', 'CONFIG_ERROR']);
function isFatal(err: unknown): boolean {
  return isLockstepError(err) && (FATAL.has(err.code) || (err.code === 'REMOTE_NOT_FOUND' && err.data.s3Code === 'NoSuchBucket') || err.data.unreachable === true);
}

/**
 * Pushes the objects of `groups` that the remote lacks (dvc-format.md §6.2). Directories are checked first:
 * a `.dir` on the remote vouches for all its entries. File objects go up largest first, `jobs` at a time;
 * a `.dir` goes up only after every one of its entries is on the remote, so its presence keeps meaning
 * "complete". Each success is remembered in the index. Multipart uploads the index remembers are aborted
 * when stale: before sending, those for objects already on the remote, those this push cannot resume (other
 * bytes under the key) and week-old ones it does not touch; after sending, those for objects it just sent whole.
 */
export async function uploadObjects(p: UploadParams): Promise<UploadResult> {
  const result: UploadResult = { uploaded: 0, bytes: 0, alreadyPresent: 0, missingEverywhere: [], failed: [], dirsHeldBack: [], abortedStaleUploads: 0 };
  const q = { index: p.index, jobs: p.jobs, signal: p.signal, onProgress: p.onProgress };
  const dirs = p.groups.flatMap((g) => (g.dir ? [g.dir] : []));
  const onRemote = await queryRemote(p.remote, dirs, q);
  const keyOf = (r: ObjectRef): string => objectKey(r.oid, r.hashName);
  const files = new Map<string, ObjectRef>();
  for (const g of p.groups) {
    if (g.dir && onRemote.has(keyOf(g.dir))) continue;
    for (const f of g.files) files.set(keyOf(f), f);
  }
  for (const k of await queryRemote(p.remote, [...files.values()], q)) onRemote.add(k);

  // Local presence and sizes of what has to go up.
  const toSend: { ref: ObjectRef; key: string; abs: string; size: number }[] = [];
  const missingLocal = new Set<string>();
  const budget = new LoopBudget();
  for (const [key, ref] of files) {
    if (onRemote.has(key)) continue;
    throwIfAborted(p.signal);
    const abs = p.odb.pathFor(ref.oid, ref.hashName);
    const size = await localSize(p.odb, ref, abs);
    if (size === undefined) missingLocal.add(key);
    else toSend.push({ ref, key, abs, size });
    await budget.pause();
  }
  const dirsToSend: { ref: ObjectRef; key: string; abs: string; size: number; group: ObjectGroup }[] = [];
  for (const g of p.groups) {
    if (!g.dir || onRemote.has(keyOf(g.dir))) continue;
    const abs = p.odb.pathFor(g.dir.oid, g.dir.hashName);
    if (!(await p.odb.has(g.dir.oid, g.dir.hashName))) {
      missingLocal.add(keyOf(g.dir));
      continue;
    }
    dirsToSend.push({ ref: g.dir, key: keyOf(g.dir), abs, size: (await stat(abs)).size, group: g });
  }
  result.alreadyPresent = onRemote.size;
  const byKeyOid = new Map<string, string>();
  for (const r of [...files.values(), ...dirs]) byKeyOid.set(keyOf(r), r.oid);
  result.missingEverywhere = [...missingLocal].map((k) => byKeyOid.get(k) ?? k);

  // Before sending: an upload the part loop cannot resume would otherwise be replaced in the index unaborted.
  if (p.index) {
    let sending: Map<string, { md5: string; size: number }> | undefined;
    const plan = {
      present: (k: string) => onRemote.has(k),
      sending: (k: string) => {
        // Built on first need: there is rarely any record, and a push may hold 100k objects. The md5 is the
        // one the part loop compares a record against ('' when the layout's oid is not the raw md5).
        sending ??= new Map([...toSend, ...dirsToSend].map((x) => [x.key, { md5: x.ref.hashName === 'md5' ? expectedMd5(x.ref.oid) : '', size: x.size }]));
        return sending.get(k);
      },
      now: Date.now(),
    };
    result.abortedStaleUploads += await abortStaleUploads(p.remote, p.index, (up) => staleReason(up, plan), p.signal);
  }

  toSend.sort((a, b) => b.size - a.size);
  const meter = new TransferMeter('upload', { files: toSend.length + dirsToSend.length, bytes: [...toSend, ...dirsToSend].reduce((s, x) => s + x.size, 0) }, p.onProgress);
  const multipart = p.index ? indexMultipartStore(p.index, p.remote.url) : undefined;
  const failedKeys = new Set<string>();
  const attempted = new Set<string>();
  const sent: ObjectRef[] = [];
  const send = async (item: { ref: ObjectRef; key: string; abs: string; size: number }): Promise<void> => {
    attempted.add(item.key);
    try {
      await p.remote.upload(item.abs, item.key, {
        signal: p.signal, size: item.size, multipart,
        md5: item.ref.hashName === 'md5' ? expectedMd5(item.ref.oid) : undefined,
        onBytes: (d) => meter.addBytes(d, item.ref.oid),
      });
    } catch (err) {
      if (isFatal(err)) throw err;
      failedKeys.add(item.key);
      result.failed.push({ oid: item.ref.oid, code: isLockstepError(err) ? err.code : 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    sent.push(item.ref);
    result.uploaded++;
    result.bytes += item.size;
    meter.fileDone(item.ref.oid);
    if (sent.length >= 256) rememberPresent(p.index, p.remote, sent.splice(0));
  };
  try {
    await runPool(toSend, p.jobs, send, { signal: p.signal });
    const ready = dirsToSend.filter((d) => {
      const ok = d.group.files.every((f) => !failedKeys.has(keyOf(f)) && !missingLocal.has(keyOf(f)));
      if (!ok) result.dirsHeldBack.push(d.ref.oid);
      return ok;
    });
    await runPool(ready, p.jobs, send, { signal: p.signal });
  } finally {
    rememberPresent(p.index, p.remote, sent);
  }
  // After sending: a record left for an object that just went up whole (a single PUT) is stale too.
  if (p.index) {
    result.abortedStaleUploads += await abortStaleUploads(p.remote, p.index, (up) => (attempted.has(up.key) && !failedKeys.has(up.key) ? 'present' : undefined), p.signal);
  }
  return result;
}

/**
 * Size of a valid local object, or undefined when it is missing or damaged. One stat answers for the usual
 * read-only (trusted) object; anything else goes through `ObjectStore.has`, which re-hashes it. The stat is
 * synchronous (the caller paces the loop): 5,000 of them through the libuv pool kept uploads from starting
 * for 250 ms, against about 20 ms in a row.
 */
async function localSize(odb: ObjectStore, ref: ObjectRef, abs: string): Promise<number | undefined> {
  let st;
  try {
    st = statSync(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw fromFsError(err, abs, 'check the cache object');
  }
  if (st.isFile() && (st.mode & 0o777) === OBJECT_MODE) return st.size;
  return (await odb.has(ref.oid, ref.hashName)) ? (await stat(abs)).size : undefined;
}
