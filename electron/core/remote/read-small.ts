import { closeSync, openSync, readSync } from 'node:fs';
import { LockstepError, fromFsError } from '../errors/index.ts';

/** Objects up to this size are uploaded from one buffer: memory stays bounded (jobs x 1 MiB). */
export const SMALL_PUT_MAX = 1024 * 1024;

/**
 * Reads a cache object of `size` bytes (at most {@link SMALL_PUT_MAX}) into one buffer, synchronously: for
 * small files that costs a fraction of a read stream's pool round trips. One byte more than expected is
 * asked for, so a file that grew is noticed; any other size is an error naming the file (its bytes no
 * longer match what was listed, so what would be sent is not the object).
 */
export function readSmallFile(abs: string, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size + 1);
  let n = 0;
  try {
    const fd = openSync(abs, 'r');
    try {
      for (;;) {
        const r = readSync(fd, buf, n, buf.length - n, n);
        if (r === 0) break;
        n += r;
        if (n === buf.length) break;
      }
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    throw fromFsError(err, abs, 'read the cache object');
  }
  if (n !== size) {
    throw new LockstepError('IO_ERROR', `${abs} holds ${n > size ? 'more' : 'fewer'} bytes than the ${size} it had when the push listed it: it changed meanwhile, so it was not sent. Check the cache (lockstep status) and push again.`, { path: abs, expected: size });
  }
  return buf.subarray(0, n);
}
