/**
 * Atomic small-file writes for the text files this module owns (`.gitignore`, `.dvc/config`, `.dvc` files):
 * write a temp file in the same directory, fsync it, rename it over the target. A process killed at any
 * moment leaves either the old file or the new one, plus at worst a stray `.<name>.<random>.tmp`.
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { fromFsError } from '../errors/index.ts';

/** Writes `data` to `file` atomically, keeping the old file's permission bits when it exists. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  let mode = 0o666;
  try {
    mode = (await stat(file)).mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromFsError(err, file, 'read');
  }
  try {
    const fh = await open(tmp, 'wx', mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw fromFsError(err, file, 'write');
  }
}

/** Reads a UTF-8 text file, returning null when it does not exist. */
export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fromFsError(err, file, 'read');
  }
}
