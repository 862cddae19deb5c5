import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListPartsCommand, UploadPartCommand, type S3Client,
} from '@aws-sdk/client-s3';
import type { S3RequestParams } from './s3-request-params.ts';
import { LockstepError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import { cleanEtag, countingStream } from './counting-stream.ts';
import { runPool } from './pool.ts';
import { withRetry, type RetryPolicy } from './retry.ts';
import { httpStatus, mapS3Error } from './s3-errors.ts';
import type { UploadedPart, UploadOptions } from './types.ts';

/** Tuning for multipart uploads. */
export interface MultipartConfig {
  readonly partSize: number;
  /** Parts of one file sent at the same time. */
  readonly partConcurrency: number;
  readonly retry: RetryPolicy;
}

/** Where one multipart upload goes and how to name it in errors. */
export interface MultipartTarget {
  readonly client: S3Client;
  readonly remote: string;
  readonly bucket: string;
  /** Full S3 key (with the remote prefix). */
  readonly s3Key: string;
  /** Key relative to the remote root: the identity in the resume store. */
  readonly key: string;
  readonly endpoint?: string;
  /** Encryption/ACL fields for CreateMultipartUpload, and the SSE-C key every part needs. */
  readonly params?: S3RequestParams;
}

const S3_MAX_PARTS = 10_000;
const MiB = 1024 * 1024;

/** The part size for a file: the configured size, grown (in whole MiB) so the file fits in 10,000 parts. */
export function choosePartSize(size: number, configured: number): number {
  const min = Math.ceil(size / S3_MAX_PARTS / MiB) * MiB;
  return Math.max(configured, min, 5 * MiB);
}

/**
 * Keeps the remembered parts the server still holds. Where the server implements ListParts, a part counts
 * only if the server lists it with the same etag and size; servers without ListParts (s3rver) answer
 * 405/501 and the remembered parts are trusted, because the completed object is verified at the end.
 * A vanished upload (NoSuchUpload) means start over.
 */
async function verifiedParts(t: MultipartTarget, uploadId: string, remembered: readonly UploadedPart[], signal?: AbortSignal): Promise<UploadedPart[] | null> {
  const server = new Map<number, { etag?: string; size?: number }>();
  let marker: string | undefined;
  try {
    do {
      const page = await t.client.send(new ListPartsCommand({ Bucket: t.bucket, Key: t.s3Key, UploadId: uploadId, PartNumberMarker: marker, ...t.params?.customerKey }), { abortSignal: signal });
      for (const p of page.Parts ?? []) if (p.PartNumber !== undefined) server.set(p.PartNumber, { etag: cleanEtag(p.ETag), size: p.Size });
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker !== undefined);
  } catch (err) {
    const status = httpStatus(err);
    const name = (err as { name?: string }).name;
    if (name === 'NoSuchUpload' || status === 404) return null;
    if (status === 405 || status === 501 || name === 'NotImplemented' || name === 'MethodNotAllowed') return [...remembered];
    throw mapS3Error(err, { ...t, key: t.s3Key, action: 'list the parts of' });
  }
  return remembered.filter((p) => {
    const s = server.get(p.partNumber);
    return s !== undefined && s.etag === p.etag && s.size === p.size;
  });
}

/**
 * Uploads a large file in parts with our own loop instead of lib-storage, because resuming needs the
 * upload id and the acknowledged parts to outlive the process: each part is recorded in the store as soon as
 * the server acknowledges it, and a rerun sends only the missing parts. Each part is streamed from disk
 * (never the whole file in memory), hashed on the way, and checked against the etag the server returns.
 * The completed object is checked too: plain-md5 etags must equal the file md5, `-N` etags the md5 of the
 * part md5s. Returns a description of a mismatch (the caller deletes the object and reports it), else undefined.
 */
export async function multipartUpload(t: MultipartTarget, srcAbs: string, opts: UploadOptions, cfg: MultipartConfig): Promise<string | undefined> {
  const store = opts.multipart;
  const ctx = { ...t, key: t.s3Key };
  let uploadId: string | undefined;
  let partSize = choosePartSize(opts.size, cfg.partSize);
  const done = new Map<number, UploadedPart>();
  const prior = store?.get(t.key);
  if (prior && prior.md5 === (opts.md5 ?? '') && prior.size === opts.size) {
    const kept = await verifiedParts(t, prior.uploadId, prior.parts, opts.signal);
    if (kept !== null) {
      uploadId = prior.uploadId;
      partSize = prior.partSize;
      for (const p of kept) done.set(p.partNumber, p);
    }
  }
  if (uploadId === undefined) {
    const created = await withRetry(async () => {
      try {
        return await t.client.send(new CreateMultipartUploadCommand({ Bucket: t.bucket, Key: t.s3Key, ...t.params?.write }), { abortSignal: opts.signal });
      } catch (err) {
        throw mapS3Error(err, { ...ctx, action: 'start a multipart upload to' });
      }
    }, { signal: opts.signal, policy: cfg.retry });
    if (!created.UploadId) throw new LockstepError('REMOTE_ERROR', `Remote "${t.remote}" did not return an upload id for ${t.s3Key}.`, { remote: t.remote, key: t.s3Key });
    uploadId = created.UploadId;
    store?.start({ key: t.key, uploadId, md5: opts.md5 ?? '', size: opts.size, partSize });
  }
  const nParts = Math.max(1, Math.ceil(opts.size / partSize));
  let resumedBytes = 0;
  for (const p of done.values()) resumedBytes += p.size;
  if (resumedBytes > 0) opts.onBytes?.(resumedBytes);
  const todo: number[] = [];
  for (let n = 1; n <= nParts; n++) if (!done.has(n)) todo.push(n);
  const id = uploadId;
  await runPool(todo, cfg.partConcurrency, async (partNumber) => {
    const start = (partNumber - 1) * partSize;
    const length = Math.min(partSize, opts.size - start);
    const part = await withRetry(async () => {
      throwIfAborted(opts.signal);
      const counter = countingStream(opts.onBytes);
      const src = createReadStream(srcAbs, { start, end: start + length - 1 });
      src.on('error', (e) => counter.stream.destroy(e));
      src.pipe(counter.stream);
      let res;
      try {
        res = await t.client.send(new UploadPartCommand({ Bucket: t.bucket, Key: t.s3Key, UploadId: id, PartNumber: partNumber, ContentLength: length, Body: counter.stream, ...t.params?.customerKey }), { abortSignal: opts.signal });
      } catch (err) {
        src.destroy();
        opts.onBytes?.(-counter.bytes());
        throw mapS3Error(err, { ...ctx, action: `upload part ${partNumber} of` });
      }
      const md5 = counter.hash.digest('hex');
      const etag = cleanEtag(res.ETag) ?? md5;
      const etagIsMd5 = t.params?.etagIsMd5 ?? true;
      if (counter.bytes() !== length || (etagIsMd5 && /^[0-9a-f]{32}$/.test(etag) && etag !== md5)) {
        opts.onBytes?.(-counter.bytes());
        throw new LockstepError('REMOTE_ERROR', `Part ${partNumber} of ${t.s3Key} arrived damaged at remote "${t.remote}" (server etag ${etag}, local md5 ${md5}); sending it again.`, { remote: t.remote, key: t.s3Key, retryable: true });
      }
      return { partNumber, etag, size: length };
    }, { signal: opts.signal, policy: cfg.retry });
    done.set(partNumber, part);
    store?.partDone(t.key, part);
  }, { signal: opts.signal });

  const parts = [...done.values()].sort((a, b) => a.partNumber - b.partNumber);
  const completed = await withRetry(async () => {
    try {
      return await t.client.send(new CompleteMultipartUploadCommand({
        Bucket: t.bucket, Key: t.s3Key, UploadId: id,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"` })) },
      }), { abortSignal: opts.signal });
    } catch (err) {
      throw mapS3Error(err, { ...ctx, action: 'complete the multipart upload of' });
    }
  }, { signal: opts.signal, policy: cfg.retry });
  store?.finish(t.key);
  const etag = cleanEtag(completed.ETag);
  if (etag !== undefined && (t.params?.etagIsMd5 ?? true)) {
    const m = /^([0-9a-f]{32})(?:-(\d+))?$/.exec(etag);
    if (m?.[2] !== undefined) {
      const combined = createHash('md5');
      for (const p of parts) combined.update(Buffer.from(p.etag, 'hex'));
      if (m[1] !== combined.digest('hex') || Number(m[2]) !== parts.length) return `multipart etag ${etag} does not match the parts sent`;
    } else if (m !== null && opts.md5 !== undefined && etag !== opts.md5) {
      return `etag ${etag} differs from the file md5 ${opts.md5}`;
    }
  }
  return undefined;
}
