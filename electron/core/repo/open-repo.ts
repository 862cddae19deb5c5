import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ObjectStore } from '../cache/odb.ts';
import { UnflushedJournal } from '../cache/unflushed.ts';
import type { RepoConfig } from '../dvc/config.ts';
import { loadRepoConfig } from '../dvc/config.ts';
import { LockstepError } from '../errors/index.ts';
import { findGitRoot } from '../git/repo-root.ts';
import type { IndexDb } from '../index/db.ts';
import { openIndex } from '../index/db.ts';

/** An open Lockstep/DVC repository: where it is, its configuration, its cache and its state index. */
export interface Repo {
  /** The DVC root: the directory holding `.dvc/` (the git root, or a subdirectory for `dvc init --subdir`). */
  readonly root: string;
  /** `<root>/.dvc`. */
  readonly dvcDir: string;
  /** The git working-tree root (the directory holding `.git`). */
  readonly gitDir: string;
  readonly config: RepoConfig;
  /** The object store at the cache root; 3.x objects live under `files/md5/`. */
  readonly odb: ObjectStore;
  /** The same cache root, used for legacy 2.x objects (`<root>/xx/rest`). */
  readonly legacyOdb: ObjectStore;
  /** The absolute cache root (`cache.dir` or `.dvc/cache`). */
  readonly cacheDir: string;
  readonly index: IndexDb;
  close(): void;
}

/**
 * Opens the repository containing `startDir`: finds the git root, then the nearest directory at or
 * above `startDir` (not above the git root) that holds `.dvc/`. NOT_A_DVC_REPO when there is none.
 */
export async function openRepo(startDir: string): Promise<Repo> {
  const start = path.resolve(startDir);
  const gitRoot = await findGitRoot(start);
  const root = await findDvcRoot(start, gitRoot);
  const dvcDir = path.join(root, '.dvc');
  const config = await loadRepoConfig(dvcDir);
  const cacheDir = config.cache.dir ?? path.join(dvcDir, 'cache');
  const odb = new ObjectStore(cacheDir, UnflushedJournal.forRepo(dvcDir));
  const index = openIndex({ dvcDir });
  return {
    root,
    dvcDir,
    gitDir: gitRoot,
    config,
    odb,
    legacyOdb: odb,
    cacheDir,
    index,
    close: () => index.close(),
  };
}

async function findDvcRoot(start: string, gitRoot: string): Promise<string> {
  let dir = start;
  for (;;) {
    if (await isDir(path.join(dir, '.dvc'))) return dir;
    if (dir === gitRoot) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new LockstepError('NOT_A_DVC_REPO', `${gitRoot} is a git repository but not a Lockstep/DVC one (no .dvc folder). Run \`lockstep init\` there first.`, { dir: start, gitRoot });
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}
