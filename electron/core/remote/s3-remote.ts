import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand,
  ListObjectsV2Command, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { LockstepError, isLockstepError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import { cleanEtag, countingStream, md5HexToBase64 } from './counting-stream.ts';
import { withRetry, DEFAULT_RETRY, type RetryPolicy } from './retry.ts';
import type { S3ClientBundle } from './s3-client.ts';
import { httpStatus, mapS3Error } from './s3-errors.ts';
import { multipartUpload } from './s3-multipart.ts';
import { SMALL_PUT_MAX, readSmallFile } from './read-small.ts';
import type { S3ObjectHttp } from './s3-object-http.ts';
import { requestParamHeaders } from './s3-request-params.ts';
import type { ObjectRef, ReadOptions, Remote, RemoteObjectStat, RemoteReadStream, UploadOptions } from './types.ts';

const MiB = 1024 * 1024;

/** Transfer tuning for an S3 remote; `openRemote` fills it from defaults and environment overrides. */
export interface S3Tuning {
  /** Files at or above this size go multipart (resumable). */
  readonly multipartThreshold: number;
  readonly partSize: number;
  readonly partConcurrency: number;
  readonly retry: RetryPolicy;
}

/** Defaults: multipart from 64 MiB in 16 MiB parts, 4 parts of a file in flight. */
export const DEFAULT_S3_TUNING: S3Tuning = { multipartThreshold: 64 * MiB, partSize: 16 * MiB, partConcurrency: 4, retry: DEFAULT_RETRY };

/**
 * An S3 or S3-compatible remote (`s3://bucket/prefix`). Every request is retried with backoff on throttling,
 * 5xx, timeouts and dropped connections; uploads are sent with Content-MD5 when the md5 is known (the
 * server then rejects damaged bodies) and the returned etag is compared as well.
 */
export class S3Remote implements Remote {
  readonly kind = 's3' as const;
  readonly canList = true;
  readonly name: string;
  readonly url: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly s3: S3ClientBundle;
  private readonly tuning: S3Tuning;
  /** Encryption/ACL fields as headers, for the requests sent without the SDK. */
  private readonly readHeaders: Record<string, string>;
  private readonly writeHeaders: Record<string, string>;
  private leanHttp: Promise<S3ObjectHttp | null> | undefined;

  constructor(name: string, url: string, loc: { bucket: string; prefix: string }, s3: S3ClientBundle, tuning: S3Tuning = DEFAULT_S3_TUNING) {
    this.name = name;
    this.url = url;
    this.bucket = loc.bucket;
    this.prefix = loc.prefix;
    this.s3 = s3;
    this.tuning = tuning;
    this.readHeaders = requestParamHeaders(s3.params.customerKey);
    this.writeHeaders = requestParamHeaders(s3.params.write);
  }

  /**
   * The lean transport for object GETs and single PUTs (s3-object-http.ts), resolved once. When the SDK's
   * endpoint rules cannot be applied to it (an odd bucket name, say) the SDK path is used instead, which
   * then reports the problem in its own words.
   */
  private lean(): Promise<S3ObjectHttp | null> {
    this.leanHttp ??= this.s3.objectHttp(this.bucket).catch(() => null);
    return this.leanHttp;
  }

  private full(key: string): string {
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  private ctx(key: string | undefined, action: string) {
    return { remote: this.name, bucket: this.bucket, key: key === undefined ? undefined : this.full(key), endpoint: this.s3.endpoint, action };
  }

  /** Sends one request with retries, mapping SDK errors to LockstepErrors. */
  private async call<T>(key: string | undefined, action: string, signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    return withRetry(async () => {
      try {
        return await fn();
      } catch (err) {
        throw mapS3Error(err, this.ctx(key, action));
      }
    }, { signal, policy: this.tuning.retry });
  }

  async stat(key: string, signal?: AbortSignal): Promise<RemoteObjectStat | null> {
    try {
      const res = await this.call(key, 'inspect', signal, () => this.s3.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.full(key), ...this.s3.params.customerKey }), { abortSignal: signal }));
      return { size: res.ContentLength ?? 0, etag: cleanEtag(res.ETag) };
    } catch (err) {
      if (err instanceof LockstepError && err.code === 'REMOTE_NOT_FOUND' && err.data.s3Code !== 'NoSuchBucket') return null;
      throw err;
    }
  }

  async exists(key: string, ref: ObjectRef, signal?: AbortSignal): Promise<boolean> {
    const st = await this.stat(key, signal);
    // A size that disagrees with the manifest means a damaged object: treat it as missing so it is re-sent.
    return st !== null && (ref.size === undefined || st.size === ref.size);
  }

  async *list(prefix: string, signal?: AbortSignal): AsyncIterable<string> {
    const fullPrefix = this.full(prefix);
    const strip = this.prefix === '' ? 0 : this.prefix.length + 1;
    let token: string | undefined;
    do {
      const page = await this.call(prefix, 'list', signal, () => this.s3.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: fullPrefix, ContinuationToken: token }), { abortSignal: signal }));
      for (const o of page.Contents ?? []) if (o.Key !== undefined) yield o.Key.slice(strip);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async upload(srcAbs: string, key: string, opts: UploadOptions): Promise<void> {
    throwIfAborted(opts.signal);
    let problem: string | undefined;
    if (opts.size >= this.tuning.multipartThreshold) {
      problem = await multipartUpload({ client: this.s3.client, remote: this.name, bucket: this.bucket, s3Key: this.full(key), key, endpoint: this.s3.endpoint, params: this.s3.params }, srcAbs, opts, this.tuning);
      if (problem === undefined) {
        // An assembled object is checked once more by size: its etag alone may not prove the layout.
        const st = await this.stat(key, opts.signal);
        if (st !== null && st.size === opts.size) return;
        problem = st === null ? 'the object is not there after the upload' : `the stored size ${st.size} differs from ${opts.size}`;
      }
    } else {
      // A single PUT needs no extra HEAD: Content-MD5 makes the server check the body, and the etag is compared.
      const single = await this.putSingle(srcAbs, key, opts);
      if (single === undefined) return;
      if (single.localDamage) {
        await this.remove(key).catch(() => undefined);
        throw new LockstepError('CORRUPT_OBJECT', `${single.message}. It was not kept on remote "${this.name}".`, { remote: this.name, key: this.full(key), path: srcAbs });
      }
      problem = single.message;
    }
    await this.remove(key).catch(() => undefined);
    throw new LockstepError('CORRUPT_OBJECT', `Remote "${this.name}" stored ${this.full(key)} wrongly (${problem}); it was deleted. Run the push again.`, { remote: this.name, key: this.full(key) });
  }

  /** Undefined when the object is stored intact; otherwise what went wrong, and whether the local bytes are to blame. */
  private async putSingle(srcAbs: string, key: string, opts: UploadOptions): Promise<{ message: string; localDamage: boolean } | undefined> {
    try {
      return await this.putSingleChecked(srcAbs, key, opts);
    } catch (err) {
      // A server that checks Content-MD5 refuses a damaged object's bytes (BadDigest) on every retry: say which
      // side is wrong when the cache copy is to blame, rather than blaming the server.
      const wanted = opts.md5;
      if (wanted === undefined || opts.size > SMALL_PUT_MAX || !isLockstepError(err) || err.data.s3Code !== 'BadDigest') throw err;
      const got = createHash('md5').update(await readSmallFile(srcAbs, opts.size)).digest('hex');
      if (got === wanted) throw err;
      return { localDamage: true, message: damagedMessage(srcAbs, got, wanted) };
    }
  }

  private async putSingleChecked(srcAbs: string, key: string, opts: UploadOptions): Promise<{ message: string; localDamage: boolean } | undefined> {
    const lean = await this.lean();
    const res = await withRetry(async () => {
      // Small objects go as one buffer, read synchronously while they come from the page cache: per object, a
      // read stream's open/read/close through the libuv pool cost more CPU than the request itself.
      const small = opts.size <= SMALL_PUT_MAX ? await readSmallFile(srcAbs, opts.size) : undefined;
      let counter: ReturnType<typeof countingStream> | undefined;
      let src: ReturnType<typeof createReadStream> | undefined;
      let body: Readable | Buffer;
      if (small !== undefined) body = small;
      else {
        const c = countingStream(opts.onBytes);
        const s = createReadStream(srcAbs);
        s.on('error', (e) => c.stream.destroy(e));
        s.pipe(c.stream);
        counter = c;
        src = s;
        body = c.stream;
      }
      const contentMd5 = opts.md5 === undefined ? undefined : md5HexToBase64(opts.md5);
      try {
        let etag: string | undefined;
        if (lean !== null) {
          const out = await lean.send({
            method: 'PUT', key: this.full(key), body, signal: opts.signal,
            headers: { 'content-length': String(opts.size), 'content-type': 'application/octet-stream', ...(contentMd5 === undefined ? {} : { 'content-md5': contentMd5 }), ...this.writeHeaders },
          });
          out.resume(); // drain the (empty) answer so the socket goes back to the pool
          etag = out.headers.etag;
        } else {
          etag = (await this.s3.client.send(new PutObjectCommand({
            Bucket: this.bucket, Key: this.full(key), Body: body, ContentLength: opts.size, ContentMD5: contentMd5,
            ...this.s3.params.write,
          }), { abortSignal: opts.signal })).ETag;
        }
        if (small !== undefined) {
          opts.onBytes?.(small.length);
          // An etag equal to the expected md5 proves the stored bytes (a non-md5 etag cannot equal it by
          // chance), so the body is hashed here only when it does not: 5,000 x 64 KiB cost 0.6 s of CPU.
          const stored = cleanEtag(etag);
          const md5 = opts.md5 !== undefined && stored === opts.md5 ? stored : createHash('md5').update(small).digest('hex');
          return { etag: stored, md5, sent: small.length };
        }
        const c = counter as NonNullable<typeof counter>;
        return { etag: cleanEtag(etag), md5: c.hash.digest('hex'), sent: c.bytes() };
      } catch (err) {
        src?.destroy();
        opts.onBytes?.(-(counter?.bytes() ?? 0));
        throw mapS3Error(err, this.ctx(key, 'upload'));
      }
    }, { signal: opts.signal, policy: this.tuning.retry });
    if (opts.md5 !== undefined && res.md5 !== opts.md5) {
      // A small object was read whole before sending, so its bytes themselves are wrong: the cache copy is damaged.
      return opts.size <= SMALL_PUT_MAX
        ? { localDamage: true, message: damagedMessage(srcAbs, res.md5, opts.md5) }
        : { localDamage: false, message: `the local file changed while it was sent (md5 ${res.md5})` };
    }
    if (this.s3.params.etagIsMd5 && res.etag !== undefined && /^[0-9a-f]{32}$/.test(res.etag) && res.etag !== res.md5) return { localDamage: false, message: `server etag ${res.etag} differs from the md5 sent ${res.md5}` };
    return undefined;
  }

  async read(key: string, opts: ReadOptions = {}): Promise<RemoteReadStream> {
    const offset = opts.offset ?? 0;
    const lean = await this.lean();
    const res = await this.call(key, 'download', opts.signal, async (): Promise<{ Body?: unknown; ContentRange?: string; ContentLength?: number; ETag?: string }> => {
      try {
        if (lean !== null) {
          const r = await lean.send({
            method: 'GET', key: this.full(key), signal: opts.signal,
            headers: { ...(offset > 0 ? { range: `bytes=${offset}-` } : {}), ...(opts.ifMatch === undefined ? {} : { 'if-match': `"${opts.ifMatch}"` }), ...this.readHeaders },
          });
          const length = r.headers['content-length'];
          return { Body: r, ContentRange: r.headers['content-range'], ContentLength: length === undefined ? undefined : Number(length), ETag: r.headers.etag };
        }
        return await this.s3.client.send(new GetObjectCommand({
          Bucket: this.bucket, Key: this.full(key), Range: offset > 0 ? `bytes=${offset}-` : undefined, IfMatch: opts.ifMatch === undefined ? undefined : `"${opts.ifMatch}"`,
          ...this.s3.params.customerKey,
        }), { abortSignal: opts.signal });
      } catch (err) {
        if (httpStatus(err) === 412 || httpStatus(err) === 416) {
          throw new LockstepError('REMOTE_ERROR', `The object ${this.full(key)} on remote "${this.name}" changed since the download began; starting it over.`, { remote: this.name, key, restart: true, retryable: false }, { cause: err });
        }
        throw err;
      }
    });
    const total = /\/(\d+)$/.exec(res.ContentRange ?? '')?.[1];
    const size = total !== undefined ? Number(total) : (res.ContentLength ?? 0) + offset;
    if (offset > 0 && res.ContentRange === undefined) {
      // The server ignored the Range header and sent the whole object: we cannot append that.
      (res.Body as Readable | undefined)?.destroy();
      throw new LockstepError('REMOTE_ERROR', `Remote "${this.name}" does not support resuming downloads; starting ${key} over.`, { remote: this.name, key, restart: true, retryable: false });
    }
    return { stream: res.Body as Readable, size, etag: cleanEtag(res.ETag) };
  }

  async remove(key: string, signal?: AbortSignal): Promise<void> {
    await this.call(key, 'delete', signal, () => this.s3.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.full(key) }), { abortSignal: signal }));
  }

  async abortUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.full(key), UploadId: uploadId }));
    } catch (err) {
      const status = httpStatus(err);
      // Already gone, or a server without the call (s3rver): nothing more to do.
      if (status === 404 || status === 405 || status === 501) return;
      throw mapS3Error(err, this.ctx(key, 'abort the multipart upload of'));
    }
  }

  /** Checks that the bucket exists and the credentials are accepted (for `remote test`). */
  async checkAccess(signal?: AbortSignal): Promise<void> {
    try {
      await this.call(undefined, 'reach', signal, () => this.s3.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: signal }));
    } catch (err) {
      if (err instanceof LockstepError && err.code === 'REMOTE_NOT_FOUND') {
        throw mapS3Error(Object.assign(new Error('NoSuchBucket'), { name: 'NoSuchBucket' }), this.ctx(undefined, 'reach'));
      }
      throw err;
    }
  }

  close(): void {
    this.s3.close();
  }
}

function damagedMessage(srcAbs: string, got: string, wanted: string): string {
  return `The cache object ${srcAbs} is damaged: its bytes have md5 ${got}, not ${wanted} (\`lockstep status\` shows what it belongs to; adding intact data again repairs it)`;
}
