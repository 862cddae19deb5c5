import git from 'isomorphic-git';
import { gitError, gitFs } from './git-fs.ts';

/**
 * Stages files in the git index (`git add`), paths relative to `root`, POSIX. Staging a pointer is
 * what makes a data version part of the next commit, so failures surface as GIT_ERROR.
 */
export async function gitAdd(root: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  try {
    await git.add({ fs: gitFs, dir: root, filepath: [...paths] });
  } catch (err) {
    throw gitError(err, `stage ${paths.join(', ')}`, { paths });
  }
}

/** Removes paths from the git index (`git rm --cached`); the working-tree files are left alone. */
export async function gitRemove(root: string, paths: readonly string[]): Promise<void> {
  for (const filepath of paths) {
    try {
      await git.remove({ fs: gitFs, dir: root, filepath });
    } catch (err) {
      throw gitError(err, `unstage ${filepath}`, { path: filepath });
    }
  }
}

/**
 * Stages the current state of each path: added when the file exists, removed from the index when it was
 * deleted (a `.gitignore` that became empty, a `.dvc` file that was untracked).
 */
export async function gitStageState(root: string, paths: readonly { path: string; exists: boolean }[]): Promise<void> {
  await gitAdd(root, paths.filter((p) => p.exists).map((p) => p.path));
  await gitRemove(root, paths.filter((p) => !p.exists).map((p) => p.path));
}
