import { chmod, mkdir, readdir, rm, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { cleanupStaleTempFiles } from '../cache/tmp-cleanup.ts';
import { loadDvcIgnore } from '../dvc/dvcignore.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import { LoopBudget } from '../jobs/loop-budget.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { throttleProgress } from '../jobs/progress.ts';
import { putHashes, type StateRow } from '../index/state.ts';
import { withRepoLock } from '../repo/lock.ts';
import type { Repo } from '../repo/open-repo.ts';
import { collectOutputs } from '../repo/outputs.ts';
import { runPool } from '../remote/pool.ts';
import { linkFromCache } from '../workspace/link.ts';
import { statEntrySync } from '../workspace/stat.ts';
import type { CheckoutPlan, FileOp, OutputPlan } from './checkout-plan.ts';
import { planCheckout } from './checkout-plan.ts';
import { selectOutputs } from './targets.ts';

/** Options for {@link checkout}. */
export interface CheckoutOptions extends RunOptions {
  /** Outputs, folders or pointer files to check out (default: all). */
  readonly targets?: readonly string[];
  readonly cwd?: string;
  /** Save files that would be overwritten or deleted into the cache first, so they stay recoverable. */
  readonly saveUnsaved?: boolean;
  /** Overwrite and delete unsaved files without saving them (their data is lost). */
  readonly force?: boolean;
  /** Recreate unchanged files with the current `cache.type`. */
  readonly relink?: boolean;
  /** Re-hash every object before linking it, even read-only ones. */
  readonly verify?: boolean;
  readonly lockWaitMs?: number;
}

/** What checkout did to one output. */
export interface CheckedOutOutput {
  readonly path: string;
  readonly source: string;
  readonly created: number;
  readonly replaced: number;
  readonly deleted: number;
  readonly relinked: number;
  readonly chmodded: number;
}

/** Result of {@link checkout}. */
export interface CheckoutResult {
  readonly outputs: CheckedOutOutput[];
  /** Outputs left untouched because objects are missing from or corrupt in the cache. */
  readonly failed: { path: string; reason: 'missing' | 'corrupt'; objects: string[]; message: string }[];
  /** Unsaved files that were saved into the cache first (`saveUnsaved`). */
  readonly saved: string[];
  /** Unsaved files that were overwritten or deleted (`force`). */
  readonly discarded: string[];
}

/**
 * `lockstep checkout`: makes the workspace match the pointers. Plans everything first; if a file to be
 * overwritten or deleted holds bytes that are not in the cache, stops before touching anything with
 * UNSAVED_CHANGES listing those files, unless `saveUnsaved` (cache them first) or `force`. Outputs whose
 * objects are missing or corrupt are reported and left as they are. Every file is written under a temp
 * name and renamed into place, so a kill leaves each file either old or new, and a rerun completes.
 */
export async function checkout(repo: Repo, options: CheckoutOptions = {}): Promise<CheckoutResult> {
  const { targets, cwd = repo.root, saveUnsaved = false, force = false, relink = false, verify = false, lockWaitMs, signal, onProgress } = options;
  return withRepoLock(repo, `checkout${targets?.length ? ` ${targets.join(' ')}` : ''}`, async () => {
    const ignore = await loadDvcIgnore(repo.root);
    const selected = selectOutputs(repo.root, await collectOutputs(repo, { signal }), targets, cwd);
    await removeDebris(selected.map((t) => t.absPath));
    const plan = await planCheckout(selected, { odb: repo.odb, index: repo.index, repoRoot: repo.root, ignore, relink, verify, signal, onProgress });
    const saved: string[] = [];
    const discarded: string[] = [];
    if (plan.unsaved.length > 0) {
      if (saveUnsaved) {
        for (const u of plan.unsaved) {
          throwIfAborted(signal);
          await repo.odb.addFile(u.abs, u.md5, u.hashName);
          saved.push(u.path);
        }
      } else if (force) {
        discarded.push(...plan.unsaved.map((u) => u.path));
      } else {
        throw unsavedError(plan);
      }
    }
    // The workspace copies about to be replaced or deleted may be the only copies on disk yet.
    await repo.odb.makeDurable(losingCopies(plan));
    const outputs = await apply(repo, plan, { signal, onProgress });
    const failed = plan.outputs.filter((p) => p.failure).map((p) => ({ path: p.tracked.relPath, ...(p.failure as NonNullable<OutputPlan['failure']>) }));
    return { outputs, failed, saved, discarded };
  }, { waitMs: lockWaitMs, signal });
}

/** Objects holding the bytes of workspace files the plan replaces, deletes or relinks. */
function losingCopies(plan: CheckoutPlan): { oid: string; hashName: HashName }[] {
  const refs: { oid: string; hashName: HashName }[] = [];
  for (const p of plan.outputs) {
    if (p.failure) continue;
    for (const op of p.ops) {
      if ((op.kind === 'replace' || op.kind === 'delete') && op.oldMd5 !== null) refs.push({ oid: op.oldMd5, hashName: p.hashName });
      else if (op.kind === 'relink') refs.push({ oid: op.md5, hashName: p.hashName });
    }
  }
  return refs;
}

function unsavedError(plan: CheckoutPlan): LockstepError {
  const paths = plan.unsaved.map((u) => u.path);
  const shown = paths.slice(0, 20).map((p) => `  ${p}`).join('\n');
  const more = paths.length > 20 ? `\n  ... and ${paths.length - 20} more` : '';
  return new LockstepError(
    'UNSAVED_CHANGES',
    `Checkout stopped before changing anything: these files would be overwritten or deleted, and their contents are not saved in the cache:\n${shown}${more}\nSave them first (lockstep checkout --save-unsaved, or lockstep commit), or discard them with --force.`,
    { files: paths },
  );
}

async function apply(repo: Repo, plan: CheckoutPlan, run: RunOptions): Promise<CheckedOutOutput[]> {
  const types = repo.config.cache.type;
  const progress = throttleProgress(run.onProgress);
  const work = plan.outputs.filter((p) => !p.failure);
  const linkOps = work.flatMap((p) => p.ops.filter((o) => o.kind === 'create' || o.kind === 'replace' || o.kind === 'relink'));
  const total = linkOps.length;
  let done = 0;
  const results: CheckedOutOutput[] = [];
  if (total > 0) progress({ phase: 'checkout', loaded: 0, total, unit: 'files' });
  for (const p of work) {
    const counts = { created: 0, replaced: 0, deleted: 0, relinked: 0, chmodded: 0 };
    // Deletions first (files, then folders left empty), so a file-to-folder change has room.
    for (const op of p.ops) {
      if (op.kind !== 'delete') continue;
      throwIfAborted(run.signal);
      await removeFile(op.abs);
      counts.deleted++;
    }
    if (p.typeChange && !p.isDir) await rm(p.tracked.absPath, { recursive: true, force: true }).catch((err: unknown) => { throw fromFsError(err, p.tracked.absPath, 'remove'); });
    else if (p.isDir) await pruneEmptyDirs(p.tracked.absPath, p.tracked.absPath);
    if (p.isDir) await mkdir(p.tracked.absPath, { recursive: true }).catch((err: unknown) => { throw fromFsError(err, p.tracked.absPath, 'create'); });
    const stateRows: StateRow[] = [];
    const madeDirs = new Set<string>();
    const budget = new LoopBudget();
    // Files are independent (each written under a temp name and renamed), so several are made at once:
    // one at a time, a folder of small files waited on the file system for every step of every file.
    await runPool(p.ops.filter((op): op is Exclude<FileOp, { kind: 'delete' }> => op.kind !== 'delete'), LINK_CONCURRENCY, async (op) => {
      if (op.kind === 'chmod') {
        await setExec(op.abs, op.isexec);
        counts.chmodded++;
        return;
      }
      await linkFromCache(repo.odb.pathFor(op.md5, p.hashName), op.abs, types, { isexec: op.isexec, madeDirs });
      const st = statEntrySync(op.abs);
      stateRows.push({ path: op.abs, inode: st.inode, mtimeNs: st.mtimeNs, size: st.size, hashName: p.hashName, md5: op.md5 });
      if (op.kind === 'create') counts.created++;
      else if (op.kind === 'replace') counts.replaced++;
      else counts.relinked++;
      done++;
      progress({ phase: 'checkout', loaded: done, total, unit: 'files', current: relDisplay(p, op) });
      // Remember what was written in batches: a kill loses at most one batch of state, which only costs re-hashing.
      if (stateRows.length >= 500) putHashes(repo.index, stateRows.splice(0));
      // Small files are linked with synchronous calls (workspace/link.ts): let the event loop in now and then.
      await budget.pause();
    }, { signal: run.signal });
    putHashes(repo.index, stateRows);
    results.push({ path: p.tracked.relPath, source: p.tracked.source.file, ...counts });
  }
  return results;
}

/** Files linked at once: enough to keep the file system's thread pool busy while the next ones are set up. */
const LINK_CONCURRENCY = 16;

function relDisplay(p: OutputPlan, op: FileOp): string {
  return op.rel ? `${p.tracked.relPath}/${op.rel}` : p.tracked.relPath;
}

async function removeFile(abs: string): Promise<void> {
  try {
    await unlink(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromFsError(err, abs, 'delete');
  }
}

/** Removes folders left empty below `dir` (deepest first); keeps `top` itself. Errors are ignored, as in DVC. */
async function pruneEmptyDirs(dir: string, top: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  let empty = true;
  for (const e of entries) {
    if (e.isDirectory() && (await pruneEmptyDirs(path.join(dir, e.name), top))) continue;
    empty = false;
  }
  if (empty && dir !== top) {
    try {
      await rmdir(dir);
      return true;
    } catch {
      return false;
    }
  }
  return false;
}

async function setExec(abs: string, isexec: boolean): Promise<void> {
  try {
    const mode = (await stat(abs)).mode & 0o7777;
    // +x wherever the file is readable (user, group, other), as `chmod +x` does under a usual umask.
    await chmod(abs, isexec ? mode | ((mode & 0o444) >> 2) : mode & ~0o111);
  } catch (err) {
    throw fromFsError(err, abs, 'change the permissions of');
  }
}

/**
 * Temp files a killed checkout left next to file outputs (never user data: see temp-debris.ts); those
 * inside folder outputs are found by the plan's walk and deleted with the folder's other extra files.
 */
async function removeDebris(absPaths: readonly string[]): Promise<void> {
  const dirs = new Set(absPaths.map((a) => path.dirname(a)));
  for (const d of dirs) await cleanupStaleTempFiles(d, { recursive: false, maxAgeMs: Number.POSITIVE_INFINITY, deadPidGraceMs: 0 });
}
