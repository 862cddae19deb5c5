import { chmodSync, closeSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { OBJECT_MODE } from '../cache/odb.ts';
import { fromFsError } from '../errors/index.ts';

/**
 * Objects below this size are received into memory and written in one go once verified. Memory stays
 * bounded (jobs x 1 MiB), and such objects never get resume records anyway (RESUME_MIN_BYTES).
 */
export const SMALL_OBJECT_MAX = 1024 * 1024;

// Read once (reading it means setting it back, which would race if done per file), as workspace/link.ts does.
const UMASK = process.umask();

/**
 * Reads a small body into one buffer, passing each chunk to `onChunk` (hashing, progress). Stops with an
 * error past `max` bytes, so a server that sends more than it announced cannot grow the buffer.
 */
export async function receiveInMemory(stream: Readable, max: number, onChunk: (chunk: Buffer) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > max) throw new Error(`the server sent more than the ${max} bytes it announced`);
    onChunk(chunk);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, n);
}

/**
 * Writes verified bytes to a new file created with mode 0444, so no separate chmod per object is needed
 * (one only when the umask would strip read bits). A leftover file of that name (a killed run) is
 * replaced; a failed write leaves nothing behind. The caller makes the file durable later (one flush per
 * batch, see DownloadPublisher). Synchronous: the bytes are at most SMALL_OBJECT_MAX, and open + write +
 * close through the libuv pool cost about three times the CPU for such files (see jobs/loop-budget.ts).
 */
export function writeSealed(p: string, bytes: Buffer): void {
  try {
    let fd: number;
    try {
      fd = openSync(p, 'wx', OBJECT_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      unlinkSync(p);
      fd = openSync(p, 'wx', OBJECT_MODE);
    }
    try {
      writeFileSync(fd, bytes); // writes the whole buffer, however many write calls it takes
    } finally {
      closeSync(fd);
    }
    if ((UMASK & OBJECT_MODE) !== 0) chmodSync(p, OBJECT_MODE);
  } catch (err) {
    try {
      unlinkSync(p);
    } catch {
      // nothing was created, or it is gone already
    }
    throw fromFsError(err, p, 'write the downloaded object');
  }
}
