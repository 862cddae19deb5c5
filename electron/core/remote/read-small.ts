import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { coldSpell, timedSync } from '../jobs/cold-reads.ts';

/** Objects up to this size are uploaded from one buffer: memory stays bounded (jobs x 1 MiB). */
export const SMALL_PUT_MAX = 1024 * 1024;

/**
 * Reads a cache object of `size` bytes (at most {@link SMALL_PUT_MAX}) into one buffer. Objects in the page
 * cache are read synchronously: for small files that costs a fraction of the thread pool's round trips. But
 * objects that must come from the disk (pushed long after they were added) would then be read one at a time
 * with the event loop blocked, so once a synchronous read proves slow, reads go through the thread pool for a
 * while, several at once (jobs/cold-reads.ts), and the loop keeps sending. One byte more than expected is asked for, so a
 * file that grew is noticed; any other size is an error naming the file (its bytes no longer match what was
 * listed, so what would be sent is not the object). `where: 'pool'` always uses the thread pool (tests).
 */
export async function readSmallFile(abs: string, size: number, where: 'auto' | 'pool' = 'auto'): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(size + 1);
  let n: number;
  try {
    n = where === 'pool' || coldSpell() ? await readPooled(abs, buf) : timedSync(() => readHere(abs, buf));
  } catch (err) {
    throw fromFsError(err, abs, 'read the cache object');
  }
  if (n !== size) {
    throw new LockstepError('IO_ERROR', `${abs} holds ${n > size ? 'more' : 'fewer'} bytes than the ${size} it had when the push listed it: it changed meanwhile, so it was not sent. Check the cache (lockstep status) and push again.`, { path: abs, expected: size });
  }
  return buf.subarray(0, n);
}

/** Fills `buf` from the start of the file on this thread; returns the bytes read. */
function readHere(abs: string, buf: Buffer): number {
  let n = 0;
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
  return n;
}

/** {@link readHere} through the thread pool. */
async function readPooled(abs: string, buf: Buffer): Promise<number> {
  let n = 0;
  const fh = await open(abs, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) break;
    }
  } finally {
    await fh.close();
  }
  return n;
}
