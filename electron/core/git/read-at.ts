import git from 'isomorphic-git';
import { LockstepError } from '../errors/index.ts';
import { gitCache, gitError, gitFs } from './git-fs.ts';

/** A blob found in a commit's tree. */
export interface TreeFile {
  /** POSIX path relative to the repository root. */
  readonly path: string;
  readonly oid: string;
}

/**
 * Remembers, per tree oid, the matching files below it, so walking many commits whose trees share
 * subtrees reads each subtree once. Reuse one memo only with the same name filter.
 */
export type TreeMemo = Map<string, TreeFile[]>;

/** The bytes of `relPath` as committed in `commitOid`, or null if that commit has no such file. */
export async function readBlobAt(root: string, commitOid: string, relPath: string): Promise<Uint8Array | null> {
  try {
    const { blob } = await git.readBlob({ fs: gitFs, dir: root, oid: commitOid, filepath: relPath, cache: gitCache });
    return blob;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'NotFoundError') return null;
    throw gitError(err, `read ${relPath} at commit ${commitOid.slice(0, 8)}`, { path: relPath, commit: commitOid });
  }
}

/** The bytes of a blob by its own oid. */
export async function readBlobByOid(root: string, blobOid: string): Promise<Uint8Array> {
  try {
    const { blob } = await git.readBlob({ fs: gitFs, dir: root, oid: blobOid, cache: gitCache });
    return blob;
  } catch (err) {
    throw gitError(err, `read blob ${blobOid.slice(0, 8)}`, { oid: blobOid });
  }
}

/**
 * Every file in `commitOid`'s tree whose file name (the last path segment) satisfies `nameFilter`,
 * e.g. `.dvc` files and `dvc.lock`. Filtering by name lets a `memo` keep only the matches per subtree,
 * so listing thousands of commits reads and remembers each distinct subtree once. Symlinks and
 * submodules are skipped.
 */
export async function listFilesAt(
  root: string,
  commitOid: string,
  nameFilter: (fileName: string) => boolean,
  opts: { memo?: TreeMemo; signal?: AbortSignal } = {},
): Promise<TreeFile[]> {
  const memo = opts.memo ?? new Map();
  let treeOid: string;
  try {
    const { commit } = await git.readCommit({ fs: gitFs, dir: root, oid: commitOid, cache: gitCache });
    treeOid = commit.tree;
  } catch (err) {
    throw gitError(err, `read commit ${commitOid.slice(0, 8)}`, { commit: commitOid });
  }
  return listTree(root, treeOid, nameFilter, memo, opts.signal);
}

async function listTree(root: string, treeOid: string, nameFilter: (n: string) => boolean, memo: TreeMemo, signal: AbortSignal | undefined): Promise<TreeFile[]> {
  // Memo entries hold paths relative to the tree itself, so one subtree serves every place it appears.
  const cached = memo.get(treeOid);
  if (cached) return cached;
  if (signal?.aborted) throw new LockstepError('ABORTED', 'The operation was cancelled.');
  let entries;
  try {
    ({ tree: entries } = await git.readTree({ fs: gitFs, dir: root, oid: treeOid, cache: gitCache }));
  } catch (err) {
    throw gitError(err, `read tree ${treeOid.slice(0, 8)}`, { tree: treeOid });
  }
  const found: TreeFile[] = [];
  for (const e of entries) {
    if (e.type === 'tree') {
      for (const f of await listTree(root, e.oid, nameFilter, memo, signal)) found.push({ path: `${e.path}/${f.path}`, oid: f.oid });
    } else if (e.type === 'blob' && e.mode !== '120000' && nameFilter(e.path)) {
      found.push({ path: e.path, oid: e.oid });
    }
  }
  memo.set(treeOid, found);
  return found;
}
