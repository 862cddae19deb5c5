import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, unlink } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LockstepError } from '../core/errors/index.ts';
import { fromFsError } from '../core/errors/from-fs-error.ts';

/**
 * Streams one uploaded file (browser mode's drop) to `dest`. The bytes go to a temp file in the same
 * folder and are then hard-linked into place, which fails if `dest` already exists: an upload never
 * overwrites a user's file, and a dropped connection leaves no half-written file under the real name.
 */
export async function receiveUpload(req: IncomingMessage, dest: string): Promise<{ path: string; size: number }> {
  const dir = path.dirname(dest);
  await mkdir(dir, { recursive: true }).catch((err: unknown) => {
    throw fromFsError(err, dir, 'create folder');
  });
  const tmp = path.join(dir, `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.upload.tmp`);
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
  });
  try {
    const out = createWriteStream(tmp, { flags: 'wx' });
    await pipeline(req, out);
    const expected = Number(req.headers['content-length']);
    if (Number.isFinite(expected) && expected !== size) {
      throw new LockstepError('IO_ERROR', `The upload of ${dest} was cut short (${size} of ${expected} bytes). Drop the file again.`, { file: dest, size, expected });
    }
    try {
      await link(tmp, dest);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new LockstepError('BAD_TARGET', `${dest} already exists in the repository; nothing was overwritten. Rename the file or remove the existing one first.`, { file: dest });
      }
      throw fromFsError(err, dest, 'write');
    }
  } catch (err) {
    throw fromFsError(err, dest, 'write');
  } finally {
    await unlink(tmp).catch(() => {});
  }
  return { path: dest, size };
}
