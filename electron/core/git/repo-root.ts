import path from 'node:path';
import git from 'isomorphic-git';
import { LockstepError } from '../errors/index.ts';
import { gitFs } from './git-fs.ts';

/**
 * The working-tree root of the git repository containing `startDir` (the directory holding `.git`).
 * Throws NOT_A_GIT_REPO when there is none, because Lockstep versions data next to git code.
 */
export async function findGitRoot(startDir: string): Promise<string> {
  try {
    return await git.findRoot({ fs: gitFs, filepath: path.resolve(startDir) });
  } catch (err) {
    throw new LockstepError('NOT_A_GIT_REPO', `${startDir} is not inside a git repository. Run \`git init\` there first (Lockstep keeps data versions next to git commits).`, { dir: startDir }, { cause: err });
  }
}
