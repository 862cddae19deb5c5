import { cp, lstat } from 'node:fs/promises';
import path from 'node:path';
import { resolveInside, isInside } from '../core/dvc/safe-path.ts';
import { LockstepError, fromFsError } from '../core/errors/index.ts';
import { throwIfAborted } from '../core/jobs/abort.ts';

/**
 * Turns the paths of a drop into targets relative to the repository root. Paths inside the repository
 * are used where they are; paths outside it (an Electron drop from the Downloads folder) are copied
 * into `destination` first, never over an existing file, because `add` can only track what lives in the
 * repository.
 */
export async function importPaths(root: string, paths: readonly string[], destination: string | undefined, signal?: AbortSignal): Promise<string[]> {
  const targets: string[] = [];
  for (const p of paths) {
    throwIfAborted(signal);
    if (!path.isAbsolute(p)) {
      resolveInside(root, p, 'dropped path');
      targets.push(p.split(path.sep).join('/'));
      continue;
    }
    const abs = path.resolve(p);
    if (isInside(root, abs)) {
      targets.push(path.relative(root, abs).split(path.sep).join('/'));
      continue;
    }
    const rel = destination ? `${destination}/${path.basename(abs)}` : path.basename(abs);
    const dest = resolveInside(root, rel, 'copy destination');
    if (await lstat(dest).then(() => true, () => false)) {
      throw new LockstepError('BAD_TARGET', `${rel} already exists in the repository; ${abs} was not copied over it. Rename one of them and drop again.`, { file: rel, source: abs });
    }
    try {
      await cp(abs, dest, { recursive: true, errorOnExist: true, force: false, preserveTimestamps: true });
    } catch (err) {
      throw fromFsError(err, dest, 'copy into the repository');
    }
    targets.push(rel);
  }
  return targets;
}
