import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../dvc/atomic-write.ts';
import { INIT_FILES } from '../dvc/init-files.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { gitAdd } from '../git/stage.ts';
import { findGitRoot } from '../git/repo-root.ts';

/** Options for {@link init}. */
export interface InitOptions {
  /** The directory to initialise (default: the git root containing the current directory). */
  readonly dir: string;
  /** Allow initialising a subdirectory of the git repository (dvc init --subdir). */
  readonly subdir?: boolean;
  /** Re-create the files even if `.dvc/` exists (existing config is kept). */
  readonly force?: boolean;
  /** Stage the new files in git (default true). */
  readonly stage?: boolean;
}

/** Result of {@link init}. */
export interface InitResult {
  readonly root: string;
  /** Files written, relative to the root. */
  readonly created: string[];
  /** Files staged, relative to the git root. */
  readonly staged: string[];
}

/**
 * `lockstep init`: turns a git repository into a Lockstep/DVC one by writing exactly what `dvc init`
 * writes (an empty `.dvc/config`, `.dvc/.gitignore`, `.dvcignore`), then stages them. Refuses a
 * directory that is already initialised (ALREADY_INITIALISED) or that is not the git root without
 * `subdir`.
 */
export async function init(options: InitOptions): Promise<InitResult> {
  const { subdir = false, force = false, stage = true } = options;
  const dir = path.resolve(options.dir);
  const gitRoot = await findGitRoot(dir);
  if (dir !== gitRoot && !subdir) {
    throw new LockstepError('USAGE', `${dir} is not the top of the git repository (${gitRoot}). Run init there, or pass --subdir to keep a separate data project in this folder.`, { dir, gitRoot });
  }
  const dvcDir = path.join(dir, '.dvc');
  if (!force && (await exists(dvcDir))) {
    throw new LockstepError('ALREADY_INITIALISED', `${dir} is already a Lockstep/DVC repository (${dvcDir} exists). Use --force to re-create the default files.`, { dir });
  }
  try {
    await mkdir(dvcDir, { recursive: true });
  } catch (err) {
    throw fromFsError(err, dvcDir, 'create');
  }
  const created: string[] = [];
  for (const [rel, content] of Object.entries(INIT_FILES)) {
    const abs = path.join(dir, ...rel.split('/'));
    // An existing config holds the user's remotes: --force must not wipe it.
    if (rel === '.dvc/config' && (await exists(abs))) continue;
    await writeFileAtomic(abs, content);
    created.push(rel);
  }
  const staged = Object.keys(INIT_FILES).map((rel) => path.relative(gitRoot, path.join(dir, ...rel.split('/'))).split(path.sep).join('/'));
  if (stage) await gitAdd(gitRoot, staged);
  return { root: dir, created, staged: stage ? staged : [] };
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}
