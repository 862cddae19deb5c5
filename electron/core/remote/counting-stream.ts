import { createHash, type Hash } from 'node:crypto';
import { Transform } from 'node:stream';

/** A pass-through that hashes and counts what flows through it (upload bodies, downloads). */
export interface CountingStream {
  readonly stream: Transform;
  readonly hash: Hash;
  /** Bytes passed so far. */
  bytes(): number;
}

/** Wraps byte counting, md5 and a progress callback around a stream of Buffers. */
export function countingStream(onBytes?: (delta: number) => void, hash: Hash = createHash('md5')): CountingStream {
  let n = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      n += chunk.length;
      onBytes?.(chunk.length);
      cb(null, chunk);
    },
  });
  return { stream, hash, bytes: () => n };
}

/** The hex md5 as S3 sends it in Content-MD5 (base64 of the raw digest). */
export function md5HexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** An ETag without its quotes, lower-cased. */
export function cleanEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/"/g, '').toLowerCase();
}
