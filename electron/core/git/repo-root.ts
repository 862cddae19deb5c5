import { stat } from 'node:fs/promises';
import path from 'node:path';
import { LockstepError } from '../errors/index.ts';

/**
 * The working-tree root of the git repository containing `startDir` (the directory holding `.git`, a
 * folder or, for worktrees and submodules, a file). Throws NOT_A_GIT_REPO when there is none, because
 * Lockstep versions data next to git code. Same rule as isomorphic-git's `findRoot`, done natively so
 * that opening a repository (every command) does not load isomorphic-git.
 */
export async function findGitRoot(startDir: string): Promise<string> {
  let dir = path.resolve(startDir);
  for (;;) {
    // Any stat failure counts as "no .git here", as in isomorphic-git, and the search goes on upwards.
    if (await stat(path.join(dir, '.git')).then(() => true, () => false)) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new LockstepError('NOT_A_GIT_REPO', `${startDir} is not inside a git repository. Run \`git init\` there first (Lockstep keeps data versions next to git commits).`, { dir: startDir });
}
