import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import git from 'isomorphic-git';
import { LockstepError } from '../errors/index.ts';
import { gitCache, gitFs } from '../git/git-fs.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { withRepoLock } from '../repo/lock.ts';
import type { Repo } from '../repo/open-repo.ts';
import { checkoutCode, codeChanges, restoreWorkTreeFiles } from './restore-code.ts';
import { applyOutputOps, currentFiles, planOutputOps, saveUnsaved, verifyOutput, type WantedFile, type WantedOutput } from './restore-data.ts';
import { latestRestorePoint, writeRestorePoint, type SavedOutput } from './restore-point.ts';

/** Options for {@link undo}. */
export interface UndoOptions extends RunOptions {
  /** Undo even when code changed after the restore (those changes are overwritten). */
  readonly force?: boolean;
  readonly lockWaitMs?: number;
}

/** What undo did. */
export interface UndoResult {
  readonly restorePoint: string;
  readonly rev: string;
  readonly mode: 'run' | 'data-only';
  /** HEAD after undo: the branch (or commit) that was checked out before the restore. */
  readonly head: string | null;
  readonly branch: string | null;
  readonly outputs: string[];
}

/**
 * `lockstep undo`: puts the workspace back exactly as it was before the last restore (finished or
 * interrupted): HEAD and branch, the work tree's files (uncommitted edits included) and every data path
 * the restore touched, each file rebuilt from the cache and verified. Refuses with UNSAVED_CHANGES when
 * code was edited after a finished restore, unless `force`; data not in the cache is saved first.
 */
export async function undo(repo: Repo, options: UndoOptions = {}): Promise<UndoResult> {
  return withRepoLock(repo, 'undo', async () => {
    const point = await latestRestorePoint(repo.dvcDir);
    if (!point) throw new LockstepError('USAGE', 'There is no restore to undo.', {});
    if (point.state === 'done' && !options.force) {
      const changes = await codeChanges(repo.gitDir);
      const own = new Set(point.mode === 'data-only' ? point.before.pointers.map((p) => p.path) : []);
      const edited = changes.modified.filter((f) => !own.has(f));
      if (edited.length > 0) {
        throw new LockstepError('UNSAVED_CHANGES', `Undo stopped: these files changed after the restore and would be overwritten:\n${edited.slice(0, 20).map((f) => `  ${f}`).join('\n')}\nCommit them first, or run \`lockstep undo --force\`.`, { code: edited });
      }
    }
    if (point.mode === 'run') {
      const ref = point.before.branch ?? point.before.head;
      if (ref) await checkoutCode(repo.gitDir, ref);
      if (point.before.workTree && point.before.head) {
        const atHead = await git.listFiles({ fs: gitFs, dir: repo.gitDir, ref: point.before.head, cache: gitCache });
        await restoreWorkTreeFiles(repo.gitDir, point.before.workTree, atHead);
      }
    } else {
      for (const p of point.before.pointers) await putPointer(repo, p.path, p.blob);
    }
    for (const saved of point.before.data) {
      const wanted = wantedOf(saved);
      const now = await currentFiles(repo.root, saved.path, repo.odb, { legacy: true, index: repo.index });
      const ops = planOutputOps(saved.path, path.join(repo.root, ...saved.path.split('/')), now, wanted);
      await saveUnsaved(repo.odb, ops.unsaved); // never lose bytes, even ones written after the restore
      await applyOutputOps(repo.odb, ops, repo.config.cache.type, { signal: options.signal });
      await verifyOutput(repo.root, saved.path, wanted, repo.odb, repo.index);
    }
    await writeRestorePoint(repo.dvcDir, { ...point, state: 'undone' });
    return { restorePoint: point.id, rev: point.rev, mode: point.mode, head: point.before.head, branch: point.before.branch, outputs: point.before.data.map((d) => d.path) };
  }, { waitMs: options.lockWaitMs, signal: options.signal });
}

function wantedOf(saved: SavedOutput): WantedOutput {
  if (saved.kind === 'absent') return { kind: 'absent' };
  const toWanted = (f: SavedOutput['files'][number]): WantedFile => ({ oid: f.oid, hashName: f.hashName, size: f.size });
  if (saved.kind === 'file') {
    const f = saved.files[0];
    return f ? { kind: 'file', file: toWanted(f) } : { kind: 'absent' };
  }
  return { kind: 'dir', files: new Map(saved.files.map((f) => [f.rel, toWanted(f)])) };
}

async function putPointer(repo: Repo, rel: string, blobOid: string | null): Promise<void> {
  const abs = path.join(repo.root, ...rel.split('/'));
  if (blobOid === null) {
    await rm(abs, { force: true });
    return;
  }
  const { blob } = await git.readBlob({ fs: gitFs, dir: repo.gitDir, oid: blobOid, cache: gitCache });
  await mkdir(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.tmp`;
  await writeFile(tmp, blob);
  await rename(tmp, abs);
}
