import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DvcFile } from '../dvc/dvcfile.ts';
import { parseDvcFile, serializeDvcFile, updateDvcFileText } from '../dvc/dvcfile.ts';
import { loadDvcIgnore } from '../dvc/dvcignore.ts';
import { addIgnoreEntry } from '../dvc/gitignore.ts';
import type { Output } from '../dvc/output.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { gitAdd } from '../git/stage.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { withRepoLock } from '../repo/lock.ts';
import type { Repo } from '../repo/open-repo.ts';
import { collectOutputs } from '../repo/outputs.ts';
import type { AddTarget } from './add-target.ts';
import { resolveAddTarget } from './add-target.ts';
import { hashForSave } from './hash-for-save.ts';
import { outputFromState, sameRecord } from './output-record.ts';
import { saveIfNeeded } from './save-output.ts';
import type { SaveResult } from './save-output.ts';
import { ObjectBatch } from '../cache/object-batch.ts';
import { writeFileAtomic } from '../dvc/atomic-write.ts';

/** Options for {@link add}. */
export interface AddOptions extends RunOptions {
  /** Files or folders, relative to `cwd` or absolute. */
  readonly targets: readonly string[];
  /** Directory the targets are relative to (default: the repository root). */
  readonly cwd?: string;
  /** Stage the pointer and `.gitignore` in git (default true). */
  readonly stage?: boolean;
  /** How long to wait for another writer (default 10 s). */
  readonly lockWaitMs?: number;
}

/** What `add` did for one target. */
export interface AddedOutput {
  readonly path: string;
  readonly dvcFile: string;
  readonly md5: string;
  readonly size: number;
  readonly nfiles?: number;
  readonly hashName: HashName;
  /** False when the output was already tracked with exactly this content: nothing was rewritten. */
  readonly changed: boolean;
  readonly objectsAdded: number;
  readonly bytesAdded: number;
}

/** Result of {@link add}. */
export interface AddResult {
  readonly outputs: AddedOutput[];
  /** Files staged in git (relative to the git root). */
  readonly staged: string[];
}

/**
 * `lockstep add`: tracks files or folders. Hashes them (state index + worker pool), puts the bytes into
 * the cache, writes `<target>.dvc` and the `.gitignore` entry exactly as DVC does, and stages both in
 * git. Re-adding unchanged data changes nothing; a legacy 2.x output stays legacy until its data
 * changes, then becomes a 3.x output (dvc-format.md §2.4).
 */
export async function add(repo: Repo, options: AddOptions): Promise<AddResult> {
  const { targets, cwd = repo.root, stage = true, lockWaitMs, signal, onProgress } = options;
  if (targets.length === 0) throw new LockstepError('USAGE', 'Nothing to add: name at least one file or folder.');
  return withRepoLock(repo, `add ${targets.join(' ')}`, async () => {
    const ignore = await loadDvcIgnore(repo.root);
    const outputs = await collectOutputs(repo, { signal });
    const resolved: AddTarget[] = [];
    for (const t of targets) {
      const r = await resolveAddTarget(repo, cwd, t, { ignore, outputs });
      if (resolved.some((o) => o.relPath === r.relPath || o.relPath.startsWith(`${r.relPath}/`) || r.relPath.startsWith(`${o.relPath}/`))) {
        throw new LockstepError('BAD_TARGET', `Cannot add ${t}: it overlaps another target of the same command.`, { path: t });
      }
      resolved.push(r);
    }
    const results: AddedOutput[] = [];
    const toStage = new Set<string>();
    for (const target of resolved) {
      throwIfAborted(signal);
      const r = await addOne(repo, target, ignore, { signal, onProgress });
      results.push(r.result);
      for (const p of r.stage) toStage.add(p);
    }
    const staged = [...toStage].sort();
    if (stage) await gitAdd(repo.gitDir, staged);
    return { outputs: results, staged: stage ? staged : [] };
  }, { waitMs: lockWaitMs, signal });
}

async function addOne(repo: Repo, target: AddTarget, ignore: Awaited<ReturnType<typeof loadDvcIgnore>>, run: RunOptions): Promise<{ result: AddedOutput; stage: string[] }> {
  const existing = await readExistingPointer(target);
  const previous = existing?.dvc.outs[0];
  // Files are written into the cache while they are hashed (one read each); saveIfNeeded publishes them
  // durably before the pointer below is written. Anything left staged after a failure is removed.
  const batch = new ObjectBatch(repo.odb);
  let hashed: Awaited<ReturnType<typeof hashForSave>>;
  let cached: SaveResult;
  try {
    hashed = await hashForSave(repo, target.absPath, previous, ignore, run, batch);
    if (!hashed) throw new LockstepError('BAD_TARGET', `Cannot add ${target.relPath}: it disappeared while it was being read.`, { path: target.relPath });
    cached = await saveIfNeeded(repo, hashed.state, hashed.hashName, run, batch);
  } finally {
    await batch.discard();
  }
  const { state, hashName } = hashed;
  const pointerDir = path.posix.dirname(target.dvcFileRel);
  const written = path.posix.relative(pointerDir === '.' ? '' : pointerDir, target.relPath);
  const next: Output = outputFromState(previous, previous?.path ?? written, state, hashName);
  const unchanged = previous !== undefined && previous.hashName === hashName && sameRecord(previous, state);
  if (!unchanged) {
    const dvc: DvcFile = existing ? { ...existing.dvc, outs: [next] } : { outs: [next], raw: {} };
    const text = existing ? updateDvcFileText(existing.text, dvc) : serializeDvcFile(dvc);
    await writeFileAtomic(target.dvcFileAbs, text);
  }
  await addIgnoreEntry(repo.root, target.relPath);
  const gitRel = (abs: string): string => path.relative(repo.gitDir, abs).split(path.sep).join('/');
  const gitignoreAbs = path.join(path.dirname(target.absPath), '.gitignore');
  const stage = [gitRel(target.dvcFileAbs)];
  if (await exists(gitignoreAbs)) stage.push(gitRel(gitignoreAbs));
  return {
    result: {
      path: target.relPath,
      dvcFile: target.dvcFileRel,
      md5: state.oid,
      size: state.size,
      ...(state.kind === 'dir' ? { nfiles: state.nfiles } : {}),
      hashName,
      changed: !unchanged,
      objectsAdded: cached.objectsAdded,
      bytesAdded: cached.bytesAdded,
    },
    stage,
  };
}

async function readExistingPointer(target: AddTarget): Promise<{ text: string; dvc: DvcFile } | undefined> {
  let text: string;
  try {
    text = await readFile(target.dvcFileAbs, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fromFsError(err, target.dvcFileAbs, 'read');
  }
  const dvc = parseDvcFile(text, target.dvcFileRel);
  const out = dvc.outs[0];
  const base = path.posix.dirname(target.dvcFileRel);
  const outRel = out ? path.posix.normalize(path.posix.join(base, dvc.wdir ?? '.', out.path)) : undefined;
  if (dvc.outs.length !== 1 || outRel !== target.relPath || (dvc.deps?.length ?? 0) > 0) {
    throw new LockstepError('BAD_TARGET', `Cannot add ${target.relPath}: ${target.dvcFileRel} already exists and describes something else (an import or another output). Move or delete it first.`, { path: target.relPath, dvcFile: target.dvcFileRel });
  }
  return { text, dvc };
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
