import git from 'isomorphic-git';
import fs from 'node:fs';
import { LockstepError } from '../core/errors/index.ts';

/**
 * Records the staged changes as a git commit on the current branch. The author comes from the
 * repository's git config, then the usual environment variables; without either the commit is refused
 * rather than attributed to a made-up person.
 */
export async function gitCommitStaged(workTree: string, message: string): Promise<{ oid: string }> {
  const name = (await git.getConfig({ fs, dir: workTree, path: 'user.name' }).catch(() => undefined)) ?? process.env.GIT_AUTHOR_NAME;
  const email = (await git.getConfig({ fs, dir: workTree, path: 'user.email' }).catch(() => undefined)) ?? process.env.GIT_AUTHOR_EMAIL;
  if (typeof name !== 'string' || typeof email !== 'string' || name === '' || email === '') {
    throw new LockstepError('GIT_ERROR', `git does not know who you are in ${workTree}. Set it once with: git config user.name "Your Name" && git config user.email you@example.com`, { workTree });
  }
  try {
    const oid = await git.commit({ fs, dir: workTree, message, author: { name, email } });
    return { oid };
  } catch (err) {
    throw new LockstepError('GIT_ERROR', `git commit failed in ${workTree}: ${(err as Error).message}`, { workTree }, { cause: err });
  }
}
