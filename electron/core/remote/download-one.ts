import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '../cache/odb.ts';
import { LockstepError, fromFsError, isLockstepError } from '../errors/index.ts';
import { md5Dos2UnixFile } from '../hash/dos2unix.ts';
import type { IndexDb } from '../index/db.ts';
import { getPartialDownload, putPartialDownload, removePartialDownload, type PartialDownloadRow } from '../index/remote-transfers.ts';
import { countingStream } from './counting-stream.ts';
import type { DownloadPublisher } from './download-publisher.ts';
import { SMALL_OBJECT_MAX, receiveInMemory, writeSealed } from './download-small.ts';
import { expectedMd5 } from './object-key.ts';
import { withRetry, type RetryPolicy, DEFAULT_RETRY } from './retry.ts';
import type { ObjectRef, Remote } from './types.ts';

/** Everything one download needs. */
export interface DownloadTarget {
  readonly remote: Remote;
  readonly odb: ObjectStore;
  readonly index?: IndexDb;
  readonly ref: ObjectRef;
  readonly key: string;
  /** Where the partial file lives while bytes arrive. */
  readonly partialPath: string;
  readonly signal?: AbortSignal;
  readonly onBytes?: (delta: number) => void;
  readonly retry?: RetryPolicy;
  /** The index's resume record for this key when the caller read them all at once (null: none); else looked up here. */
  readonly resume?: PartialDownloadRow | null;
  /**
   * Set by a caller that created the partial folder and listed it: false saves a delete and a stat per
   * object. Left undefined, the folder is created and any stale partial file removed here.
   */
  readonly partialExists?: boolean;
  /** Hands the verified file to a batch publisher instead of moving it into the cache on its own. */
  readonly publisher?: DownloadPublisher;
  /** Given each small object's verified bytes once they are safely in the partial file (pull's prefill). */
  readonly onVerified?: (ref: ObjectRef, bytes: Buffer) => void;
}

/** Downloads at least this large are recorded in the index so a later run can resume them. */
export const RESUME_MIN_BYTES = 1024 * 1024;

async function fileSize(p: string): Promise<number> {
  try {
    return (await stat(p)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return -1;
    throw fromFsError(err, p, 'inspect the partial download');
  }
}

async function hashPrefix(p: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
}

async function removeFile(p: string): Promise<void> {
  try {
    await unlink(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromFsError(err, p, 'remove the partial download');
  }
}

async function discard(t: DownloadTarget): Promise<void> {
  await removeFile(t.partialPath);
  if (t.index) removePartialDownload(t.index, t.remote.url, t.key);
}

/**
 * Downloads one object into the cache, resuming from its partial file when the index says one belongs to
 * the same remote object (same etag). Bytes are appended to the partial file and hashed on the way (the
 * kept prefix is hashed from disk first); a dropped connection, a stall or a 5xx retries from the bytes
 * already on disk. Only an object whose size and md5 match its oid enters the cache (moved in by the
 * ObjectStore: temp + rename + 0444, or sealed and handed to `publisher`, which publishes many at once);
 * anything else is deleted and reported as CORRUPT_OBJECT.
 */
export async function downloadOne(t: DownloadTarget): Promise<number> {
  if (t.partialExists === undefined) {
    await mkdir(path.dirname(t.partialPath), { recursive: true }).catch((err: unknown) => {
      throw fromFsError(err, path.dirname(t.partialPath), 'create the download folder');
    });
  }
  const rec = t.resume !== undefined ? t.resume ?? undefined : t.index ? getPartialDownload(t.index, t.remote.url, t.key) : undefined;
  let etag = rec?.path === t.partialPath ? rec.etag ?? undefined : undefined;
  // Without a record that owns it, a partial file is left over from a killed run: start from nothing.
  let knownEmpty = rec === undefined || rec.path !== t.partialPath;
  if (knownEmpty && t.partialExists !== false) await removeFile(t.partialPath);
  let counted = 0;
  let size = 0;
  let onDisk = 0;
  /** A small object received into memory (verified before it is written), instead of into the partial file. */
  let inMemory: Buffer | undefined;
  let hash: Hash = createHash('md5');
  let freshRetryUsed = false;
  for (;;) {
    try {
      await withRetry(async () => {
        const have = knownEmpty ? 0 : Math.max(0, await fileSize(t.partialPath));
        knownEmpty = false;
        inMemory = undefined;
        hash = createHash('md5');
        if (have > 0) await hashPrefix(t.partialPath, hash);
        // Progress counts what is on disk: rewind to it after a failed attempt.
        t.onBytes?.(have - counted);
        counted = have;
        if (have > 0 && rec !== undefined && have >= rec.size) {
          size = rec.size; // complete before the last run was killed: only verification is left
          onDisk = have;
          return;
        }
        const body = await t.remote.read(t.key, { signal: t.signal, offset: have, ifMatch: have > 0 ? etag : undefined });
        size = body.size;
        if (have === 0) {
          etag = body.etag;
          // Small objects are cheaper to fetch again than to track: only large ones get a resume record.
          if (t.index && body.size >= RESUME_MIN_BYTES) putPartialDownload(t.index, t.remote.url, { key: t.key, path: t.partialPath, etag: etag ?? null, size: body.size });
        }
        try {
          if (have === 0 && t.publisher && t.ref.hashName === 'md5' && body.size < SMALL_OBJECT_MAX) {
            inMemory = await receiveInMemory(body.stream, SMALL_OBJECT_MAX, (chunk) => {
              hash.update(chunk);
              counted += chunk.length;
              t.onBytes?.(chunk.length);
            });
            onDisk = inMemory.length;
            return;
          }
          const counter = countingStream((d) => {
            counted += d;
            t.onBytes?.(d);
          }, hash);
          const out = createWriteStream(t.partialPath, { flags: 'a' });
          await pipeline(body.stream, counter.stream, out, { signal: t.signal });
          // What is on disk now: the kept prefix plus what this attempt appended (no stat needed).
          onDisk = have + out.bytesWritten;
        } catch (err) {
          if (t.signal?.aborted) throw new LockstepError('ABORTED', 'The operation was cancelled.', {}, { cause: err });
          throw new LockstepError('REMOTE_ERROR', `The download of ${t.key} from remote "${t.remote.name}" broke off after ${counted} bytes: ${(err as Error).message}.`, { remote: t.remote.name, key: t.key, retryable: true }, { cause: err });
        }
      }, { signal: t.signal, policy: t.retry ?? DEFAULT_RETRY });
    } catch (err) {
      if (isLockstepError(err) && err.data.restart === true && !freshRetryUsed) {
        freshRetryUsed = true;
        await discard(t);
        knownEmpty = true;
        continue;
      }
      throw err;
    }
    const problem = onDisk !== size
      ? `it has ${onDisk} bytes, the remote said ${size}`
      : await hashProblem(t, hash.digest('hex'));
    if (problem === undefined) break;
    await discard(t);
    knownEmpty = true;
    t.onBytes?.(-counted);
    counted = 0;
    if (!freshRetryUsed && rec !== undefined) {
      // The kept prefix may be what was wrong: try once more from zero before calling the object corrupt.
      freshRetryUsed = true;
      continue;
    }
    throw new LockstepError('CORRUPT_OBJECT', `The object ${t.ref.oid} downloaded from remote "${t.remote.name}" (${t.key}) is damaged: ${problem}. It was not put in the cache; the remote copy needs to be re-pushed from a machine that has the data.`, { oid: t.ref.oid, remote: t.remote.name, key: t.key });
  }
  const recorded = t.index !== undefined && (rec !== undefined || size >= RESUME_MIN_BYTES);
  if (t.publisher) {
    if (inMemory !== undefined) {
      writeSealed(t.partialPath, inMemory);
      t.onVerified?.(t.ref, inMemory);
    }
    await t.publisher.add(t.partialPath, t.ref, size, { resumeKey: recorded ? t.key : undefined, sealed: inMemory !== undefined });
    return size;
  }
  await t.odb.addFile(t.partialPath, t.ref.oid, t.ref.hashName, { move: true });
  if (recorded && t.index) removePartialDownload(t.index, t.remote.url, t.key);
  return size;
}

async function hashProblem(t: DownloadTarget, md5: string): Promise<string | undefined> {
  const want = expectedMd5(t.ref.oid);
  if (t.ref.hashName === 'md5') return md5 === want ? undefined : `its md5 is ${md5}, expected ${want}`;
  // Legacy objects are named by their dos2unix hash, which only a second pass can compute.
  const h = await md5Dos2UnixFile(t.partialPath, { signal: t.signal });
  return h.v2 === want || h.v3 === want ? undefined : `its md5-dos2unix is ${h.v2}, expected ${want}`;
}
