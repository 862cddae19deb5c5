import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { fromFsError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';

/** Read size for streaming hashes: large enough that syscall overhead vanishes, small enough to never matter for memory. */
export const HASH_READ_SIZE = 4 * 1024 * 1024;

/** Opens a file to be hashed, after a cancellation check; a failure names the file. */
export async function openForHashing(absPath: string, signal: AbortSignal | undefined): Promise<FileHandle> {
  throwIfAborted(signal);
  try {
    return await open(absPath, 'r');
  } catch (err) {
    throw fromFsError(err, absPath, 'open for hashing');
  }
}

/** Options for a streamed single-file hash. */
export interface Md5FileOptions {
  readonly signal?: AbortSignal;
  /** Called after every read with the number of bytes just hashed (a delta, so callers can sum across files). */
  readonly onBytes?: (delta: number) => void;
}

/**
 * The DVC 3 (`hash: md5`) hash of one file: md5 of the raw bytes, streamed through one reused 4 MiB buffer
 * with `fs.read` on a file handle (measurably faster than `createReadStream`; never the whole file in memory).
 * Symlinks are followed, as DVC does. `size` is the number of bytes actually hashed.
 */
export async function md5File(absPath: string, opts: Md5FileOptions = {}): Promise<{ md5: string; size: number }> {
  const handle = await openForHashing(absPath, opts.signal);
  const hash = createHash('md5');
  let size = 0;
  try {
    const buf = Buffer.allocUnsafe(HASH_READ_SIZE);
    for (;;) {
      throwIfAborted(opts.signal);
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buf, 0, buf.length, null));
      } catch (err) {
        throw fromFsError(err, absPath, 'read');
      }
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      size += bytesRead;
      opts.onBytes?.(bytesRead);
    }
  } finally {
    await handle.close();
  }
  return { md5: hash.digest('hex'), size };
}

/** md5 hex of an in-memory buffer (manifests and other small engine-made bytes, never user data files). */
export function md5Bytes(buf: Uint8Array): string {
  return createHash('md5').update(buf).digest('hex');
}
