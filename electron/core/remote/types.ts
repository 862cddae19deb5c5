import type { Readable } from 'node:stream';
import type { HashName } from '../hash/hash-pool.ts';

/** One object the transfer engine moves: its oid, which layout it lives in, and (when known) its size. */
export interface ObjectRef {
  /** `<md5>` or `<md5>.dir`. */
  readonly oid: string;
  readonly hashName: HashName;
  readonly size?: number;
}

/** What a remote says about one stored object. */
export interface RemoteObjectStat {
  readonly size: number;
  /** The server's entity tag without quotes (S3); absent for folder remotes. */
  readonly etag?: string;
}

/** A readable body of a remote object, starting at the requested offset. */
export interface RemoteReadStream {
  readonly stream: Readable;
  /** Total size of the object (not of the remaining range). */
  readonly size: number;
  readonly etag?: string;
}

/** Persists in-progress multipart uploads so a killed push resumes from the last completed part. */
export interface MultipartStateStore {
  get(key: string): MultipartRecord | undefined;
  start(rec: Omit<MultipartRecord, 'parts'>): void;
  partDone(key: string, part: UploadedPart): void;
  finish(key: string): void;
}

/** One in-progress multipart upload as remembered in the index. */
export interface MultipartRecord {
  readonly key: string;
  readonly uploadId: string;
  /** md5 of the whole source file: a different file under the same key means the old upload is stale. */
  readonly md5: string;
  readonly size: number;
  readonly partSize: number;
  readonly parts: readonly UploadedPart[];
}

/** A part the server acknowledged. */
export interface UploadedPart {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
}

/** Options for one object upload. */
export interface UploadOptions {
  readonly signal?: AbortSignal;
  /** Byte deltas as they are sent; a negative delta rewinds after a failed attempt. */
  readonly onBytes?: (delta: number) => void;
  /** md5 of the raw source bytes (the oid for 3.x files), when known; uploads are checked against it. */
  readonly md5?: string;
  readonly size: number;
  /** Where multipart progress is remembered; without it large uploads still work but cannot resume. */
  readonly multipart?: MultipartStateStore;
}

/** Options for opening an object for reading. */
export interface ReadOptions {
  readonly signal?: AbortSignal;
  /** First byte to return (HTTP Range); used to resume a partial download. */
  readonly offset?: number;
  /** Refuse to continue if the object changed since the partial download began. */
  readonly ifMatch?: string;
}

/**
 * A place objects are pushed to and fetched from. Keys are relative to the remote's root and always use
 * `/` (`files/md5/ab/cdef...`). Implementations throw LockstepError with REMOTE_* codes; a retryable failure
 * carries `data.retryable = true` so the transfer engine knows to back off and try again.
 */
export interface Remote {
  readonly name: string;
  /** The configured URL, the identity under which confirmed objects are remembered. */
  readonly url: string;
  readonly kind: 'local' | 's3';
  /** Object stores can list cheaply; folder remotes check each object instead (as DVC does). */
  readonly canList: boolean;
  /** Whether the object for `ref` is present and intact enough to trust (folder remotes apply the 0444 rule). */
  exists(key: string, ref: ObjectRef, signal?: AbortSignal): Promise<boolean>;
  stat(key: string, signal?: AbortSignal): Promise<RemoteObjectStat | null>;
  /** Every key under `prefix` (relative keys). */
  list(prefix: string, signal?: AbortSignal): AsyncIterable<string>;
  upload(srcAbs: string, key: string, opts: UploadOptions): Promise<void>;
  read(key: string, opts?: ReadOptions): Promise<RemoteReadStream>;
  /** Removes one object; a missing object is not an error. */
  remove(key: string, signal?: AbortSignal): Promise<void>;
  /** Checks credentials and that the bucket exists (object stores only; used by `remote test`). */
  checkAccess?(signal?: AbortSignal): Promise<void>;
  /** Aborts multipart uploads that are no longer wanted; a no-op for folder remotes. */
  abortUpload(key: string, uploadId: string): Promise<void>;
  close(): void;
}
