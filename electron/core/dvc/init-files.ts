/**
 * The exact bytes `dvc init` writes (dvc-format.md §5.1, §5.5, §8; egs@06ea489), so a repository initialised
 * by Lockstep is indistinguishable from one initialised by DVC.
 */

/** `.dvc/config`: created empty. */
export const INIT_DVC_CONFIG = '';

/** `.dvc/.gitignore`: keeps the machine-local config, tmp and the cache out of git. */
export const INIT_DVC_GITIGNORE = '/config.local\n/tmp\n/cache\n';

/** `.dvcignore`: three comment lines. */
export const INIT_DVCIGNORE =
  '# Add patterns of files dvc should ignore, which could improve\n' +
  '# the performance. Learn more at\n' +
  '# https://dvc.org/doc/user-guide/dvcignore\n';

/** The files `dvc init` creates, repo-relative POSIX path -> content. */
export const INIT_FILES: Readonly<Record<string, string>> = {
  '.dvc/config': INIT_DVC_CONFIG,
  '.dvc/.gitignore': INIT_DVC_GITIGNORE,
  '.dvcignore': INIT_DVCIGNORE,
};
