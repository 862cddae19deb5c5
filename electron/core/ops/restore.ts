import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import { LockstepError } from '../errors/index.ts';
import { gitCache, gitFs } from '../git/git-fs.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import { withRepoLock } from '../repo/lock.ts';
import type { Repo } from '../repo/open-repo.ts';
import { checkoutCode, snapshotWorkTree } from './restore-code.ts';
import { applyOutputOps, currentFiles, saveUnsaved, verifyOutput } from './restore-data.ts';
import { fetchMissing } from './restore-fetch.ts';
import { planRestoreDetail, type PlanDetail, type RestoreOptions, type RestorePlan } from './restore-plan.ts';
import { latestRestorePoint, newRestorePointId, writeRestorePoint, type RestorePoint, type SavedOutput } from './restore-point.ts';

/** Options for {@link restore}. */
export interface RestoreRunOptions extends RestoreOptions {
  /** Save uncommitted code and data that is not in the cache first, instead of refusing. */
  readonly save?: boolean;
  readonly lockWaitMs?: number;
}

/** What a restore did. */
export interface RestoreResult {
  readonly plan: RestorePlan;
  /** The restore point `undo` will use. */
  readonly restorePoint: string;
  /** True when this run finished a restore that had been interrupted. */
  readonly resumed: boolean;
  readonly saved: { readonly code: boolean; readonly data: string[] };
  readonly downloaded: { readonly objects: number; readonly bytes: number };
  /** Files written into the workspace. */
  readonly written: number;
  /** Outputs re-hashed and found equal to their pointer after restoring. */
  readonly verified: string[];
}

/**
 * Restores commit `rev`: the whole run (code via git checkout, then its data) or, with `dataOnly`, its
 * data (all or `paths`) into the current tree with the pointer files updated. Order of events: plan;
 * refuse with UNSAVED_CHANGES when code or data would be lost (unless `save`); fetch missing objects;
 * record a restore point (atomically, before any workspace change); apply; verify every restored output
 * by re-hashing; mark the point done. A restore killed midway is completed by running it again, or
 * reverted by `undo`.
 */
export async function restore(repo: Repo, options: RestoreRunOptions): Promise<RestoreResult> {
  const { save = false, signal, onProgress } = options;
  return withRepoLock(repo, `restore ${options.rev}`, async () => {
    const pending = await latestRestorePoint(repo.dvcDir);
    const interrupted = pending?.state === 'applying' ? pending : null;
    const detail = await planRestoreDetail(repo, options, interrupted !== null);
    if (interrupted && (interrupted.target !== detail.plan.target || interrupted.mode !== detail.plan.mode)) {
      throw new LockstepError('USAGE', `An earlier restore of ${interrupted.rev} was interrupted. Run \`lockstep restore ${interrupted.rev}${interrupted.mode === 'data-only' ? ' --data-only' : ''}\` again to finish it, or \`lockstep undo\` to go back, before restoring something else.`, { restorePoint: interrupted.id });
    }
    const { blockers } = detail.plan;
    if (!save && (blockers.code.length > 0 || blockers.data.length > 0)) throw refusal(blockers);
    const downloaded = await fetchMissing(repo, detail.missing, { signal, onProgress });
    throwIfAborted(signal);
    const savedData = detail.outputs.flatMap((o) => o.ops.unsaved.map((u) => (u.rel ? `${o.version.path}/${u.rel}` : o.version.path)));
    const point = interrupted ?? (await recordPoint(repo, options, detail));
    const pointFile = { ...point, state: 'applying' as const };
    if (point.mode === 'run') {
      const branchRef = (await isBranch(repo, options.rev)) ? options.rev : detail.plan.target;
      await checkoutCode(repo.gitDir, options.newBranch ? detail.plan.target : branchRef, options.newBranch ? { newBranch: options.newBranch } : {});
    } else {
      await writePointers(repo, detail.plan.target, detail.plan.pointers);
    }
    let written = 0;
    const total = detail.outputs.reduce((s, o) => s + o.ops.create.length + o.ops.replace.length, 0);
    for (const o of detail.outputs) {
      written += await applyOutputOps(repo.odb, o.ops, repo.config.cache.type, {
        signal,
        onFile: () => onProgress?.({ phase: 'restore', loaded: written + 1, total, unit: 'files', current: o.version.path }),
      });
    }
    const verified: string[] = [];
    for (const o of detail.outputs) {
      await verifyOutput(repo.root, o.version.path, o.wanted, repo.odb, repo.index);
      verified.push(o.version.path);
    }
    await writeRestorePoint(repo.dvcDir, { ...pointFile, state: 'done' });
    return {
      plan: detail.plan,
      restorePoint: point.id,
      resumed: interrupted !== null,
      saved: { code: point.before.workTree !== null, data: interrupted ? [] : savedData },
      downloaded: { objects: downloaded.downloaded, bytes: downloaded.bytes },
      written,
      verified,
    };
  }, { waitMs: options.lockWaitMs, signal });
}

/** Saves what would be lost and writes the 'applying' restore point; nothing in the workspace moves yet. */
async function recordPoint(repo: Repo, options: RestoreRunOptions, detail: PlanDetail): Promise<RestorePoint> {
  const id = newRestorePointId();
  const data: SavedOutput[] = [];
  for (const o of detail.outputs) {
    // Everything under a touched path goes into the cache, so undo can rebuild it byte for byte.
    const cur = await currentFiles(repo.root, o.version.path, repo.odb, { legacy: true, index: repo.index });
    await saveUnsaved(repo.odb, cur.files.filter((f) => !f.saved));
    data.push({ path: o.version.path, kind: cur.kind, files: cur.files.map((f) => ({ rel: f.rel, oid: f.saved?.oid ?? f.md5, hashName: f.saved?.hashName ?? 'md5', size: f.size })) });
  }
  // Uncommitted code reaches this point only with `save` (or as untracked files git checkout leaves alone).
  const workTree = detail.plan.mode === 'run' && detail.codeDirty ? await snapshotWorkTree(repo.gitDir, id, detail.head) : null;
  const pointers: { path: string; blob: string | null }[] = [];
  for (const p of detail.plan.pointers) {
    const abs = path.join(repo.root, ...p.split('/'));
    const bytes = await readFile(abs).catch(() => null);
    pointers.push({ path: p, blob: bytes ? await git.writeBlob({ fs: gitFs, dir: repo.gitDir, blob: bytes }) : null });
  }
  const point: RestorePoint = {
    id,
    createdAt: new Date().toISOString(),
    state: 'applying',
    mode: detail.plan.mode,
    rev: options.rev,
    target: detail.plan.target,
    ...(options.newBranch ? { newBranch: options.newBranch } : {}),
    before: { head: detail.head, branch: detail.branch, workTree, pointers, data },
  };
  await writeRestorePoint(repo.dvcDir, point);
  return point;
}

/** Writes the target commit's pointer files into the work tree (temp file + rename each). */
async function writePointers(repo: Repo, target: string, pointers: readonly string[]): Promise<void> {
  for (const p of pointers) {
    const { blob } = await git.readBlob({ fs: gitFs, dir: repo.gitDir, oid: target, filepath: relToGit(repo, p), cache: gitCache });
    const abs = path.join(repo.root, ...p.split('/'));
    await mkdir(path.dirname(abs), { recursive: true });
    const tmp = `${abs}.${process.pid}.tmp`;
    await writeFile(tmp, blob);
    await rename(tmp, abs);
  }
}

function relToGit(repo: Repo, p: string): string {
  const prefix = path.relative(repo.gitDir, repo.root).split(path.sep).join('/');
  return prefix ? `${prefix}/${p}` : p;
}

async function isBranch(repo: Repo, rev: string): Promise<boolean> {
  const branches = await git.listBranches({ fs: gitFs, dir: repo.gitDir });
  return branches.includes(rev);
}

function refusal(blockers: RestorePlan['blockers']): LockstepError {
  const lines = [
    ...blockers.code.slice(0, 20).map((f) => `  code: ${f}`),
    ...blockers.data.slice(0, 20).map((f) => `  data: ${f}`),
  ];
  return new LockstepError(
    'UNSAVED_CHANGES',
    `Restore stopped before changing anything: these changes are not committed or not in the cache and would be lost:\n${lines.join('\n')}\nCommit them, or run the restore with --save to keep them in a restore point (undo brings them back).`,
    { code: blockers.code, data: blockers.data },
  );
}
