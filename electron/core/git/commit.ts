import git from 'isomorphic-git';
import { LockstepError } from '../errors/index.ts';
import { gitError, gitFs } from './git-fs.ts';

/** Who a commit is attributed to. */
export interface GitAuthor {
  readonly name: string;
  readonly email: string;
}

/**
 * The author git would use in `workTree`: `user.name` / `user.email` from the repository's config (which
 * isomorphic-git reads with the global config merged in), then GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL. Null
 * when either is unknown: a commit must never be attributed to a made-up person.
 */
export async function gitAuthor(workTree: string, env: NodeJS.ProcessEnv = process.env): Promise<GitAuthor | null> {
  const read = (path: string) => git.getConfig({ fs: gitFs, dir: workTree, path }).catch(() => undefined) as Promise<unknown>;
  const name = (await read('user.name')) ?? env.GIT_AUTHOR_NAME;
  const email = (await read('user.email')) ?? env.GIT_AUTHOR_EMAIL;
  if (typeof name !== 'string' || typeof email !== 'string' || name.trim() === '' || email.trim() === '') return null;
  return { name, email };
}

/**
 * Records what is staged in the git index as a commit on the current branch (`git commit -m`), and
 * returns its oid. Refuses with GIT_ERROR when git does not know the author (saying how to set it) and
 * when nothing is staged (an empty commit records nothing and only clutters the timeline).
 */
export async function gitCommitStaged(workTree: string, message: string): Promise<{ oid: string; author: GitAuthor }> {
  const author = await gitAuthor(workTree);
  if (!author) {
    throw new LockstepError(
      'GIT_ERROR',
      `git does not know who you are in ${workTree}, so nothing was committed. Set it once with: git config user.name "Your Name" && git config user.email you@example.com`,
      { workTree },
    );
  }
  try {
    // disallowEmpty: like `git commit`, an index identical to HEAD is refused rather than recorded.
    const oid = await git.commit({ fs: gitFs, dir: workTree, message, author: { name: author.name, email: author.email }, disallowEmpty: true });
    return { oid, author };
  } catch (err) {
    if ((err as { code?: unknown }).code === 'EmptyCommitError') {
      throw new LockstepError('GIT_ERROR', `Nothing to commit in ${workTree}: the staged files are the same as the last commit. Track or change data first.`, { workTree, empty: true });
    }
    throw gitError(err, `commit in ${workTree}`, { workTree });
  }
}
