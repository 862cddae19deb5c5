import { lstat } from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import type { HashName } from '../hash/hash-pool.ts';
import { LockstepError } from '../errors/index.ts';
import { gitCache, gitFs } from '../git/git-fs.ts';
import { dataStateAt } from '../history/commit-state.ts';
import { openHistoryGit } from '../history/history-git.ts';
import { readRefSnapshot } from '../history/ref-snapshot.ts';
import { resolveRev } from '../history/resolve-rev.ts';
import { diffTrees } from '../history/tree-diff.ts';
import type { OutputVersion } from '../history/types.ts';
import type { RunOptions } from '../jobs/progress.ts';
import type { Repo } from '../repo/open-repo.ts';
import type { ObjectRef } from '../remote/types.ts';
import { codeChanges } from './restore-code.ts';
import { currentFiles, planOutputOps, type OutputOps, type WantedFile, type WantedOutput } from './restore-data.ts';
import { fetchManifests } from './restore-fetch.ts';

/** Options shared by the restore plan and the restore. */
export interface RestoreOptions extends RunOptions {
  /** The commit to restore (branch, tag, oid, `HEAD~2`, ...). */
  readonly rev: string;
  /** Bring only the data of `rev` into the current tree (pointer files updated), leaving code as it is. */
  readonly dataOnly?: boolean;
  /** Data-only: restrict to these outputs (repo-relative). */
  readonly paths?: readonly string[];
  /** Run mode: create this branch at `rev` and switch to it instead of a detached HEAD. */
  readonly newBranch?: string;
}

/** The preview shown before a restore: everything it would change, and what blocks it. */
export interface RestorePlan {
  readonly rev: string;
  readonly target: string;
  readonly mode: 'run' | 'data-only';
  /** Run mode: code files that differ between HEAD and the target. */
  readonly code: { readonly created: string[]; readonly modified: string[]; readonly deleted: string[] };
  /** Data-only: pointer files that will be rewritten with the target's version. */
  readonly pointers: string[];
  readonly outputs: { readonly path: string; readonly created: string[]; readonly replaced: string[]; readonly removed: string[]; readonly bytes: number }[];
  /** Objects the cache lacks and that will be fetched from the default remote first. */
  readonly download: { readonly objects: number; readonly bytes: number };
  /** Why the restore would refuse without `save`: uncommitted code and data not in the cache. */
  readonly blockers: { readonly code: string[]; readonly data: string[] };
}

/** The plan plus what the restore needs to carry it out. */
export interface PlanDetail {
  readonly plan: RestorePlan;
  readonly outputs: { readonly version: OutputVersion; readonly wanted: WantedOutput; readonly ops: OutputOps }[];
  readonly missing: ObjectRef[];
  readonly head: string | null;
  readonly branch: string | null;
  readonly codeDirty: boolean;
}

/** `lockstep restore --plan`: what a restore would do, computed without changing the workspace. */
export async function planRestore(repo: Repo, options: RestoreOptions): Promise<RestorePlan> {
  return (await planRestoreDetail(repo, options)).plan;
}

/**
 * Builds the restore plan. Only the cache may change here: directory manifests the cache lacks are
 * fetched from the default remote (small, needed to list what a folder holds), as DVC does.
 */
export async function planRestoreDetail(repo: Repo, options: RestoreOptions, ignoreBlockers = false): Promise<PlanDetail> {
  const hg = openHistoryGit(repo);
  try {
    const target = await resolveRev(hg, options.rev);
    const snap = readRefSnapshot(hg.dirs);
    const state = await dataStateAt(hg, target);
    const mode = options.dataOnly ? 'data-only' : 'run';
    let versions = [...state.outputs.values()].filter((o) => o.cache && o.md5 !== null);
    if (options.dataOnly && options.paths?.length) {
      const want = options.paths.map((p) => p.replace(/^\.\//, '').replace(/\/+$/, '').replace(/\.dvc$/, ''));
      for (const p of want) if (!versions.some((v) => v.path === p)) throw new LockstepError('NOT_TRACKED', `${p} is not a tracked output at ${options.rev}.`, { path: p, rev: options.rev });
      versions = versions.filter((v) => want.includes(v.path));
    }
    await fetchManifests(repo, versions, options);
    const missing = new Map<string, ObjectRef>();
    const outputs: PlanDetail['outputs'] = [];
    const blockedData: string[] = [];
    for (const v of versions) {
      const wanted = await wantedOf(repo, v, missing);
      const abs = path.join(repo.root, ...v.path.split('/'));
      const now = await currentFiles(repo.root, v.path, repo.odb, { signal: options.signal, legacy: true, index: repo.index });
      const ops = planOutputOps(v.path, abs, now, wanted);
      for (const u of ops.unsaved) blockedData.push(u.rel ? `${v.path}/${u.rel}` : v.path);
      outputs.push({ version: v, wanted, ops });
    }
    const head = snap.head;
    const code = { created: [] as string[], modified: [] as string[], deleted: [] as string[] };
    const changes = await codeChanges(repo.gitDir);
    const blockedCode: string[] = [];
    if (mode === 'run') {
      const headTree = head ? (await hg.objects.commit(head)).tree : null;
      const targetTree = (await hg.objects.commit(target)).tree;
      const targetPaths = new Set<string>();
      for (const c of await diffTrees(hg.objects, headTree, targetTree)) {
        (c.oldOid === null ? code.created : c.newOid === null ? code.deleted : code.modified).push(c.path);
        if (c.newOid) targetPaths.add(c.path);
      }
      blockedCode.push(...changes.modified, ...changes.untracked.filter((f) => targetPaths.has(f)));
    }
    const pointers = mode === 'data-only' ? [...new Set(versions.map((v) => v.source.file))].sort() : [];
    if (mode === 'data-only') {
      const dirty = new Set(changes.modified);
      blockedCode.push(...pointers.filter((p) => dirty.has(p)));
    }
    const plan: RestorePlan = {
      rev: options.rev,
      target,
      mode,
      code,
      pointers,
      outputs: outputs.map(({ version, ops }) => ({
        path: version.path,
        created: ops.create.map((c) => c.rel || version.path),
        replaced: ops.replace.map((c) => c.rel || version.path),
        removed: ops.remove.map((c) => c.rel || version.path),
        bytes: [...ops.create, ...ops.replace].reduce((s, c) => s + (c.file.size ?? 0), 0),
      })),
      download: { objects: missing.size, bytes: [...missing.values()].reduce((s, r) => s + (r.size ?? 0), 0) },
      blockers: { code: ignoreBlockers ? [] : blockedCode.sort(), data: ignoreBlockers ? [] : blockedData.sort() },
    };
    return { plan, outputs, missing: [...missing.values()], head, branch: snap.headBranch, codeDirty: changes.modified.length + changes.untracked.length > 0 };
  } finally {
    hg.close();
  }
}

/** The files an output should have, noting objects the cache lacks. Sizes come from the pointer or manifest. */
async function wantedOf(repo: Repo, v: OutputVersion, missing: Map<string, ObjectRef>): Promise<WantedOutput> {
  const hashName: HashName = v.legacy ? 'md5-dos2unix' : 'md5';
  const need = async (oid: string, size?: number): Promise<WantedFile> => {
    const ref = { oid, hashName, ...(size === undefined ? {} : { size }) };
    if (!(await present(repo.odb.pathFor(oid, hashName)))) missing.set(`${hashName}:${oid}`, ref);
    return ref;
  };
  const md5 = v.md5 as string;
  if (!v.isDir) return { kind: 'file', file: await need(md5, v.size ?? undefined) };
  if (!(await present(repo.odb.pathFor(md5, hashName)))) {
    throw new LockstepError('MISSING_OBJECT', `The folder listing ${md5} of ${v.path} is neither in the cache nor on the default remote, so this version cannot be restored.`, { path: v.path, oid: md5 });
  }
  const files = new Map<string, WantedFile>();
  for (const e of await repo.odb.readManifest(md5, hashName)) {
    // Manifests carry no sizes; a cached object's size is one stat away (for the plan's byte counts).
    const size = e.size ?? (await lstat(repo.odb.pathFor(e.md5, hashName)).then((st) => st.size, () => undefined));
    files.set(e.relpath, await need(e.md5, size));
  }
  return { kind: 'dir', files };
}

async function present(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

/** The content of `relPath` at commit `oid` as a git blob oid, or null when absent (for pointer backups). */
export async function blobAt(workTree: string, commit: string, relPath: string): Promise<string | null> {
  try {
    const { oid } = await git.readBlob({ fs: gitFs, dir: workTree, oid: commit, filepath: relPath, cache: gitCache });
    return oid;
  } catch {
    return null;
  }
}
