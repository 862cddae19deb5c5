import { lstat, readFile, readlink, rm, writeFile, mkdir, symlink, chmod } from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import { fromFsError } from '../errors/index.ts';
import { gitCache, gitError, gitFs } from '../git/git-fs.ts';

/** Uncommitted code in the git work tree, as restore sees it. */
export interface CodeChanges {
  /** Tracked files modified, added to the index, or deleted. */
  readonly modified: string[];
  /** Untracked (not ignored) files. */
  readonly untracked: string[];
}

/**
 * Lists uncommitted changes (git status). Ignored files, such as checked-out data, are not listed and
 * ignored folders are not entered: a data folder of 100k files must not be walked to find two edited
 * scripts. Tracked files come from statusMatrix limited to the index's paths; untracked ones from a walk
 * that asks git's ignore rules once per folder and per candidate file.
 */
export async function codeChanges(workTree: string): Promise<CodeChanges> {
  const modified: string[] = [];
  const untracked: string[] = [];
  try {
    const tracked = await git.listFiles({ fs: gitFs, dir: workTree, cache: gitCache });
    const headFiles = await git.listFiles({ fs: gitFs, dir: workTree, ref: 'HEAD', cache: gitCache }).catch(() => [] as string[]);
    const known = new Set([...tracked, ...headFiles]);
    if (known.size > 0) {
      const rows = await git.statusMatrix({ fs: gitFs, dir: workTree, cache: gitCache, filepaths: [...known] });
      for (const [file, head, work, stage] of rows) if (!(head === 1 && work === 1 && stage === 1)) modified.push(file);
    }
    await findUntracked(workTree, '', known, untracked);
  } catch (err) {
    throw gitError(err, 'read the working tree status', { dir: workTree });
  }
  return { modified: modified.sort(), untracked: untracked.sort() };
}

async function findUntracked(workTree: string, rel: string, known: ReadonlySet<string>, out: string[]): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  const entries = await readdir(rel ? path.join(workTree, ...rel.split('/')) : workTree, { withFileTypes: true });
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (p === '.git') continue;
    if (e.isDirectory()) {
      if (!(await git.isIgnored({ fs: gitFs, dir: workTree, filepath: p }))) await findUntracked(workTree, p, known, out);
    } else if (!known.has(p) && !(await git.isIgnored({ fs: gitFs, dir: workTree, filepath: p }))) {
      out.push(p);
    }
  }
}

/**
 * Records the work tree's files (tracked and untracked, not ignored) as a commit object whose parent is
 * HEAD, like `git stash` does, and pins it with `refs/lockstep/restore-points/<id>` so git gc keeps it.
 * Returns the commit oid. Nothing in the work tree or index changes.
 */
export async function snapshotWorkTree(workTree: string, id: string, head: string | null): Promise<string> {
  const changes = await codeChanges(workTree);
  const tracked = await git.listFiles({ fs: gitFs, dir: workTree, cache: gitCache });
  const files: { path: string; mode: string; oid: string }[] = [];
  for (const file of [...new Set([...tracked, ...changes.modified, ...changes.untracked])]) {
    const abs = path.join(workTree, ...file.split('/'));
    const st = await lstat(abs).catch(() => null);
    if (!st) continue; // deleted in the work tree
    const content = st.isSymbolicLink() ? Buffer.from(await readlink(abs)) : await readFile(abs);
    const oid = await git.writeBlob({ fs: gitFs, dir: workTree, blob: content });
    files.push({ path: file, oid, mode: st.isSymbolicLink() ? '120000' : st.mode & 0o111 ? '100755' : '100644' });
  }
  const tree = await writeNestedTree(workTree, files);
  const author = { name: 'Lockstep', email: 'lockstep@localhost', timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
  const oid = await git.writeCommit({ fs: gitFs, dir: workTree, commit: { tree, parent: head ? [head] : [], author, committer: author, message: `Lockstep restore point ${id}: work tree before restore\n` } });
  await git.writeRef({ fs: gitFs, dir: workTree, ref: `refs/lockstep/restore-points/${id}`, value: oid, force: true });
  return oid;
}

async function writeNestedTree(workTree: string, files: { path: string; mode: string; oid: string }[]): Promise<string> {
  const dirs = new Map<string, { mode: string; path: string; oid: string; type: 'blob' | 'tree' }[]>([['', []]]);
  const ensure = (d: string): void => {
    if (dirs.has(d)) return;
    dirs.set(d, []);
    const parent = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '';
    ensure(parent);
  };
  for (const f of files) {
    const d = f.path.includes('/') ? f.path.slice(0, f.path.lastIndexOf('/')) : '';
    ensure(d);
    dirs.get(d)?.push({ mode: f.mode, path: f.path.slice(d ? d.length + 1 : 0), oid: f.oid, type: 'blob' });
  }
  // Deepest folders first, so each parent can reference its children's tree oids.
  const order = [...dirs.keys()].sort((a, b) => b.split('/').length - a.split('/').length || (a < b ? 1 : -1));
  const treeOf = new Map<string, string>();
  for (const d of order) {
    const entries = dirs.get(d) ?? [];
    for (const [child, oid] of treeOf) {
      const parent = child.includes('/') ? child.slice(0, child.lastIndexOf('/')) : '';
      if (child !== '' && parent === d) entries.push({ mode: '040000', path: child.slice(d ? d.length + 1 : 0), oid, type: 'tree' });
    }
    treeOf.set(d, await git.writeTree({ fs: gitFs, dir: workTree, tree: entries }));
  }
  return treeOf.get('') as string;
}

/**
 * Moves the work tree and HEAD to `ref` (a branch name, or a commit oid for a detached HEAD), overwriting
 * local changes: callers have checked or saved them first.
 */
export async function checkoutCode(workTree: string, ref: string, opts: { newBranch?: string } = {}): Promise<void> {
  try {
    if (opts.newBranch) {
      await git.branch({ fs: gitFs, dir: workTree, ref: opts.newBranch, object: ref, force: false });
      await git.checkout({ fs: gitFs, dir: workTree, ref: opts.newBranch, force: true, cache: gitCache });
    } else {
      await git.checkout({ fs: gitFs, dir: workTree, ref, force: true, cache: gitCache });
    }
  } catch (err) {
    throw gitError(err, `check out ${opts.newBranch ?? ref}`, { ref });
  }
}

/**
 * Makes the work tree's files equal to the tree of `snapshot` (from `snapshotWorkTree`), after HEAD has
 * been moved back: writes every file of the snapshot and deletes listed files it does not hold.
 */
export async function restoreWorkTreeFiles(workTree: string, snapshot: string, dropIfAbsent: readonly string[]): Promise<void> {
  const files = await git.listFiles({ fs: gitFs, dir: workTree, ref: snapshot, cache: gitCache });
  const keep = new Set(files);
  for (const file of files) {
    const { blob } = await git.readBlob({ fs: gitFs, dir: workTree, oid: snapshot, filepath: file, cache: gitCache });
    const mode = await modeAt(workTree, snapshot, file);
    const abs = path.join(workTree, ...file.split('/'));
    try {
      await mkdir(path.dirname(abs), { recursive: true });
      await rm(abs, { force: true });
      if (mode === '120000') await symlink(Buffer.from(blob).toString('utf8'), abs);
      else {
        await writeFile(abs, blob);
        await chmod(abs, mode === '100755' ? 0o755 : 0o644);
      }
    } catch (err) {
      throw fromFsError(err, abs, 'restore');
    }
  }
  for (const file of dropIfAbsent) if (!keep.has(file)) await rm(path.join(workTree, ...file.split('/')), { force: true });
}

async function modeAt(workTree: string, commit: string, file: string): Promise<string> {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const { tree } = await git.readTree({ fs: gitFs, dir: workTree, oid: commit, filepath: dir, cache: gitCache });
  return tree.find((e) => e.path === file.slice(dir ? dir.length + 1 : 0))?.mode ?? '100644';
}
