// git-lfs peer setup: a plain git repo whose matching paths go through the git-lfs clean filter.
import { mkdir } from 'node:fs/promises';
import { git } from './lockstep.ts';

/** Creates a git repo at `dir` with git-lfs installed locally and `pattern` tracked, committed. */
export async function initLfsRepo(dir: string, pattern: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(['init', '-q', '-b', 'main'], dir);
  // --local keeps the filter config inside this repo: the user's global git config is never touched.
  await git(['lfs', 'install', '--local'], dir);
  await git(['lfs', 'track', pattern], dir);
  await git(['add', '.gitattributes'], dir);
  await git(['commit', '-q', '-m', 'track with lfs'], dir);
}
