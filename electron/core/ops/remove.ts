import { access, readFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { parseDvcFile, updateDvcFileText } from '../dvc/dvcfile.ts';
import { writeFileAtomic } from '../dvc/atomic-write.ts';
import { loadDvcIgnore } from '../dvc/dvcignore.ts';
import { removeIgnoreEntry } from '../dvc/gitignore.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { gitStageState } from '../git/stage.ts';
import { trackedUnder } from '../git/tracked.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { withRepoLock } from '../repo/lock.ts';
import type { Repo } from '../repo/open-repo.ts';
import type { TrackedOutput } from '../repo/outputs.ts';
import { collectOutputs } from '../repo/outputs.ts';
import { missingObjects } from './cache-presence.ts';
import { selectOutputs } from './targets.ts';
import { hashWorkspaceOutput } from './workspace-state.ts';

/** Options for {@link remove}. */
export interface RemoveOptions extends RunOptions {
  /** Outputs or their `.dvc` files. */
  readonly targets: readonly string[];
  readonly cwd?: string;
  /** Also delete the data from the workspace (only when it is saved in the cache, unless `force`). */
  readonly outs?: boolean;
  /** With `outs`: delete even data that is not saved in the cache. */
  readonly force?: boolean;
  /** Stage the removal in git (default true). */
  readonly stage?: boolean;
  readonly lockWaitMs?: number;
}

/** Result of {@link remove}. */
export interface RemoveResult {
  /** Outputs no longer tracked. */
  readonly untracked: { path: string; dvcFile: string; dataDeleted: boolean }[];
  /** Pointer files deleted (all their outputs were removed). */
  readonly deletedFiles: string[];
  readonly staged: string[];
}

/**
 * `lockstep remove`: stops tracking outputs. Deletes the `.dvc` file (or just the entry, when the file
 * tracks several outputs) and the `.gitignore` line, and stages that in git. The data stays in the
 * workspace and in the cache unless `outs` is set; even then, data not saved in the cache is only
 * deleted with `force`. Outputs of `dvc.lock` stages are refused: they belong to `dvc.yaml`.
 */
export async function remove(repo: Repo, options: RemoveOptions): Promise<RemoveResult> {
  const { targets, cwd = repo.root, outs = false, force = false, stage = true, lockWaitMs, signal, onProgress } = options;
  if (targets.length === 0) throw new LockstepError('USAGE', 'Nothing to remove: name at least one tracked output or .dvc file.');
  return withRepoLock(repo, `remove ${targets.join(' ')}`, async () => {
    const selected = selectOutputs(repo.root, await collectOutputs(repo, { signal }), targets, cwd);
    const fromLock = selected.find((t) => t.source.kind === 'lock');
    if (fromLock) {
      throw new LockstepError('BAD_TARGET', `${fromLock.relPath} is an output of stage '${fromLock.source.stage ?? '?'}' in ${fromLock.source.file}; remove it from dvc.yaml instead.`, { path: fromLock.relPath });
    }
    if (outs && !force) await refuseUnsaved(repo, selected, { signal, onProgress });
    const byFile = new Map<string, TrackedOutput[]>();
    for (const t of selected) byFile.set(t.source.file, [...(byFile.get(t.source.file) ?? []), t]);
    const untracked: RemoveResult['untracked'] = [];
    const deletedFiles: string[] = [];
    const touched = new Set<string>();
    for (const [file, removing] of byFile) {
      const abs = path.join(repo.root, ...file.split('/'));
      const text = await readFile(abs, 'utf8').catch((err: unknown) => { throw fromFsError(err, abs, 'read'); });
      const parsed = parseDvcFile(text, file);
      const drop = new Set(removing.map((t) => t.source.outIndex));
      const remaining = parsed.outs.filter((_o, i) => !drop.has(i));
      if (remaining.length === 0) {
        await unlink(abs).catch((err: unknown) => { throw fromFsError(err, abs, 'delete'); });
        deletedFiles.push(file);
      } else {
        await writeFileAtomic(abs, updateDvcFileText(text, { ...parsed, outs: remaining }));
      }
      touched.add(abs);
      for (const t of removing) {
        await removeIgnoreEntry(repo.root, t.relPath);
        touched.add(path.join(path.dirname(t.absPath), '.gitignore'));
        let dataDeleted = false;
        if (outs) {
          await rm(t.absPath, { recursive: true, force: true }).catch((err: unknown) => { throw fromFsError(err, t.absPath, 'delete'); });
          dataDeleted = true;
        }
        untracked.push({ path: t.relPath, dvcFile: file, dataDeleted });
      }
    }
    const states = await Promise.all([...touched].map(async (abs) => ({
      path: path.relative(repo.gitDir, abs).split(path.sep).join('/'),
      exists: await access(abs).then(() => true, () => false),
    })));
    if (stage) await gitStageState(repo.gitDir, await onlyKnownToGit(repo, states));
    return { untracked, deletedFiles: deletedFiles.sort(), staged: stage ? states.map((s) => s.path).sort() : [] };
  }, { waitMs: lockWaitMs, signal });
}

/** A deleted file that git never knew (never staged) needs no `git rm`. */
async function onlyKnownToGit(repo: Repo, states: { path: string; exists: boolean }[]): Promise<{ path: string; exists: boolean }[]> {
  const known = new Set(await trackedUnder(repo.gitDir, ''));
  return states.filter((s) => s.exists || known.has(s.path));
}

async function refuseUnsaved(repo: Repo, selected: readonly TrackedOutput[], run: RunOptions): Promise<void> {
  const ignore = await loadDvcIgnore(repo.root);
  const unsaved: string[] = [];
  for (const t of selected) {
    const ws = await hashWorkspaceOutput(t.absPath, { index: repo.index, repoRoot: repo.root, ignore, hashName: t.output.hashName, signal: run.signal, onProgress: run.onProgress });
    if (ws.kind === 'missing') continue;
    const files = ws.kind === 'file' ? [{ rel: t.relPath, md5: ws.oid }] : ws.files.map((f) => ({ rel: `${t.relPath}/${f.relpath}`, md5: f.md5 }));
    const missing = new Set(await missingObjects(repo.odb, files.map((f) => f.md5), t.output.hashName));
    for (const f of files) if (missing.has(f.md5)) unsaved.push(f.rel);
  }
  if (unsaved.length > 0) {
    const shown = unsaved.slice(0, 20).map((p) => `  ${p}`).join('\n');
    throw new LockstepError('UNSAVED_CHANGES', `Not removing the data: these files are not saved in the cache and would be lost:\n${shown}${unsaved.length > 20 ? `\n  ... and ${unsaved.length - 20} more` : ''}\nRun lockstep commit first, or remove without --outs to keep the data, or use --force to delete it anyway.`, { files: unsaved });
  }
}
