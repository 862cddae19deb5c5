import git from 'isomorphic-git';
import { gitCache, gitError, gitFs } from './git-fs.ts';

/** A named ref resolved to its commit oid. */
export interface GitRef {
  readonly name: string;
  readonly kind: 'branch' | 'tag';
  readonly oid: string;
}

/** Local branches with their commit oids. */
export async function listBranchRefs(root: string): Promise<GitRef[]> {
  try {
    const names = await git.listBranches({ fs: gitFs, dir: root });
    return await Promise.all(names.map(async (name) => ({ name, kind: 'branch' as const, oid: await git.resolveRef({ fs: gitFs, dir: root, ref: `refs/heads/${name}` }) })));
  } catch (err) {
    throw gitError(err, 'list branches', { root });
  }
}

/** Tags, peeled to the commit they point at (annotated tags are followed). */
export async function listTagRefs(root: string): Promise<GitRef[]> {
  try {
    const names = await git.listTags({ fs: gitFs, dir: root });
    const refs: GitRef[] = [];
    for (const name of names) {
      const oid = await peelToCommit(root, await git.resolveRef({ fs: gitFs, dir: root, ref: `refs/tags/${name}` }));
      if (oid) refs.push({ name, kind: 'tag', oid });
    }
    return refs;
  } catch (err) {
    throw gitError(err, 'list tags', { root });
  }
}

/** HEAD's commit oid, or null in a repository with no commits yet. */
export async function headOid(root: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs: gitFs, dir: root, ref: 'HEAD' });
  } catch (err) {
    if ((err as { code?: string }).code === 'NotFoundError') return null;
    throw gitError(err, 'resolve HEAD', { root });
  }
}

/** The current branch name, or null when HEAD is detached. */
export async function currentBranchName(root: string): Promise<string | null> {
  try {
    return (await git.currentBranch({ fs: gitFs, dir: root })) ?? null;
  } catch (err) {
    throw gitError(err, 'read the current branch', { root });
  }
}

/**
 * Every commit reachable from any branch, tag or HEAD, each once. Used by `gc --all-commits`; walks
 * each ref's history and stops early at commits already seen.
 */
export async function listAllCommits(root: string, opts: { signal?: AbortSignal } = {}): Promise<string[]> {
  const starts = new Set<string>();
  for (const r of [...(await listBranchRefs(root)), ...(await listTagRefs(root))]) starts.add(r.oid);
  const head = await headOid(root);
  if (head) starts.add(head);
  const seen = new Set<string>();
  const stack = [...starts];
  try {
    while (stack.length > 0) {
      if (opts.signal?.aborted) break;
      const oid = stack.pop() as string;
      if (seen.has(oid)) continue;
      seen.add(oid);
      const { commit } = await git.readCommit({ fs: gitFs, dir: root, oid, cache: gitCache });
      for (const parent of commit.parent) if (!seen.has(parent)) stack.push(parent);
    }
  } catch (err) {
    throw gitError(err, 'walk the commit history', { root });
  }
  return [...seen];
}

async function peelToCommit(root: string, oid: string): Promise<string | null> {
  let current = oid;
  for (let depth = 0; depth < 10; depth++) {
    const obj = await git.readObject({ fs: gitFs, dir: root, oid: current, cache: gitCache });
    if (obj.type === 'commit') return current;
    if (obj.type !== 'tag') return null;
    const tag = await git.readTag({ fs: gitFs, dir: root, oid: current, cache: gitCache });
    current = tag.tag.object;
  }
  return null;
}
