import { advanceState, BlobParser, EMPTY_STATE, stateFromFiles, type DataState, type WatchedFile } from './data-state.ts';
import type { HistoryGit } from './history-git.ts';
import { diffTreesSync } from './tree-diff.ts';

/**
 * The full data state of one commit (every output, params and metrics value, environment), read from
 * git directly: the commit's tree is diffed against the empty tree, so only subtrees holding files
 * are read. Used for restores and two-commit comparisons, which need exact state, not the cache.
 */
export async function dataStateAt(git: HistoryGit, commitOid: string, parser = new BlobParser((oid) => git.objects.blobSync(oid))): Promise<DataState> {
  const commit = await git.objects.commit(commitOid);
  const tree = await git.dvcTree(commit.tree);
  return git.objects.withSync(() => {
    const all = diffTreesSync(git.objects, null, tree);
    const lookup = (relPath: string): string | null => {
      if (!tree) return null;
      const hit = git.objects.pathOidSync(tree, relPath);
      return hit?.kind === 'blob' ? hit.oid : null;
    };
    return advanceState(EMPTY_STATE, all, parser, lookup);
  });
}

/** The state for a known set of watched files (from the timeline cache). */
export async function dataStateOfFiles(git: HistoryGit, files: ReadonlyMap<string, WatchedFile>): Promise<DataState> {
  const parser = new BlobParser((oid) => git.objects.blobSync(oid));
  return git.objects.withSync(() => stateFromFiles(files, parser));
}
