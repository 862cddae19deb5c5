import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { LockstepError } from '../errors/index.ts';

/** Where a working tree's git data lives: `gitDir` holds HEAD, `commonDir` holds objects and refs. */
export interface GitDirs {
  readonly workTree: string;
  readonly gitDir: string;
  readonly commonDir: string;
}

/**
 * Resolves `.git` for a working tree: a directory, or a `gitdir:` file (linked worktrees, submodules),
 * whose `commondir` names the shared repository.
 */
export function resolveGitDirs(workTree: string): GitDirs {
  const dotGit = path.join(workTree, '.git');
  let gitDir = dotGit;
  try {
    if (statSync(dotGit).isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
      if (!m?.[1]) throw new Error('no gitdir line');
      gitDir = path.resolve(workTree, m[1]);
    }
  } catch (err) {
    throw new LockstepError('NOT_A_GIT_REPO', `${workTree} has no readable .git (${(err as Error).message}).`, { dir: workTree }, { cause: err });
  }
  const commonFile = path.join(gitDir, 'commondir');
  const commonDir = existsSync(commonFile) ? path.resolve(gitDir, readFileSync(commonFile, 'utf8').trim()) : gitDir;
  return { workTree, gitDir, commonDir };
}
