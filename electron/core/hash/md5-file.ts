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
 * The DVC 3 (`hash: md5`) hash of one file: md5 of the raw bytes, streamed with `fs.read` on a file handle
 * (measurably faster than `createReadStream`; never the whole file in memory). Two 4 MiB buffers alternate:
 * the next read runs on libuv's thread pool while this thread hashes the previous chunk, so the copy out of
 * the page cache overlaps the md5 work (2 GiB: 4.8 s read-then-hash vs 3.5 s overlapped on the bench machine).
 * Symlinks are followed, as DVC does. `size` is the number of bytes actually hashed.
 */
export async function md5File(absPath: string, opts: Md5FileOptions = {}): Promise<{ md5: string; size: number }> {
  const handle = await openForHashing(absPath, opts.signal);
  const hash = createHash('md5');
  let size = 0;
  const readAt = async (buf: Buffer, position: number): Promise<number> => {
    try {
      return (await handle.read(buf, 0, buf.length, position)).bytesRead;
    } catch (err) {
      throw fromFsError(err, absPath, 'read');
    }
  };
  let filling = Buffer.allocUnsafe(HASH_READ_SIZE);
  let spare = Buffer.allocUnsafe(HASH_READ_SIZE);
  let pending = readAt(filling, 0);
  try {
    for (;;) {
      const bytesRead = await pending;
      if (bytesRead === 0) break;
      throwIfAborted(opts.signal);
      const filled = filling;
      filling = spare;
      spare = filled;
      size += bytesRead;
      // Start the next read before hashing, into the buffer not being hashed.
      pending = readAt(filling, size);
      hash.update(filled.subarray(0, bytesRead));
      opts.onBytes?.(bytesRead);
    }
  } finally {
    // A read may still be in flight when hashing throws or is aborted: let it settle before closing the handle.
    await pending.catch(() => 0);
    await handle.close();
  }
  return { md5: hash.digest('hex'), size };
}

/** md5 hex of an in-memory buffer (manifests and other small engine-made bytes, never user data files). */
export function md5Bytes(buf: Uint8Array): string {
  return createHash('md5').update(buf).digest('hex');
}
