import git from 'isomorphic-git';
import { gitError, gitFs } from './git-fs.ts';

/**
 * True when git tracks `relPath` (a file in the index), or any file below it when it is a directory.
 * Data tracked by git must not also be tracked by Lockstep: the pointer's `.gitignore` would not apply.
 */
export async function isTrackedByGit(root: string, relPath: string): Promise<boolean> {
  return (await trackedUnder(root, relPath)).length > 0;
}

/** The index entries at or below `relPath` (POSIX, repo-relative; '' or '.' means everything). */
export async function trackedUnder(root: string, relPath: string): Promise<string[]> {
  let files: string[];
  try {
    files = await git.listFiles({ fs: gitFs, dir: root });
  } catch (err) {
    throw gitError(err, 'read the index', { root });
  }
  const rel = relPath.replace(/\/+$/, '');
  if (rel === '' || rel === '.') return files;
  const prefix = `${rel}/`;
  return files.filter((f) => f === rel || f.startsWith(prefix));
}

/** True when the repository's `.gitignore` rules ignore `relPath`. */
export async function isIgnoredByGit(root: string, relPath: string): Promise<boolean> {
  try {
    return await git.isIgnored({ fs: gitFs, dir: root, filepath: relPath });
  } catch (err) {
    throw gitError(err, `check whether ${relPath} is ignored`, { path: relPath });
  }
}
