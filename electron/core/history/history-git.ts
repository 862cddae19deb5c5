import path from 'node:path';
import { GitObjects } from './git-objects/object-store-view.ts';
import { resolveGitDirs, type GitDirs } from './git-dirs.ts';

/** The repository fields history needs (a subset of `Repo`, so tests and tools can pass less). */
export interface HistoryRepoRef {
  /** The DVC root (may be a subdirectory of the git work tree). */
  readonly root: string;
  /** The git work-tree root. */
  readonly gitDir: string;
}

/** Git access for history: object reader, dirs, and the DVC root's place inside the git tree. */
export interface HistoryGit {
  readonly dirs: GitDirs;
  readonly objects: GitObjects;
  /** POSIX path of the DVC root inside the git tree; '' when they coincide (the usual case). */
  readonly prefix: string;
  /** The tree that corresponds to the DVC root in a commit whose root tree is `rootTree` (null if absent). */
  dvcTree(rootTree: string): Promise<string | null>;
  close(): void;
}

/** Opens git access for a repository. Close it to release pack file descriptors. */
export function openHistoryGit(repo: HistoryRepoRef): HistoryGit {
  const dirs = resolveGitDirs(repo.gitDir);
  const objects = new GitObjects(dirs.workTree, dirs.commonDir);
  const prefix = path.relative(repo.gitDir, repo.root).split(path.sep).join('/');
  return {
    dirs,
    objects,
    prefix,
    async dvcTree(rootTree) {
      if (!prefix) return rootTree;
      const hit = await objects.pathOid(rootTree, prefix);
      return hit?.kind === 'tree' ? hit.oid : null;
    },
    close: () => objects.close(),
  };
}
