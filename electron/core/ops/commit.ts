import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDvcFile, updateDvcFileText } from '../dvc/dvcfile.ts';
import { loadDvcIgnore } from '../dvc/dvcignore.ts';
import type { IgnoreMatcher } from '../dvc/dvcignore.ts';
import type { Output } from '../dvc/output.ts';
import { fromFsError } from '../errors/index.ts';
import { gitAdd } from '../git/stage.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { withRepoLock } from '../repo/lock.ts';
import type { Repo } from '../repo/open-repo.ts';
import type { TrackedOutput } from '../repo/outputs.ts';
import { collectOutputs } from '../repo/outputs.ts';
import { hashForSave } from './hash-for-save.ts';
import { outputFromState, sameRecord } from './output-record.ts';
import { saveIfNeeded } from './save-output.ts';
import type { SaveResult } from './save-output.ts';
import { ObjectBatch } from '../cache/object-batch.ts';
import { selectOutputs } from './targets.ts';
import { commitLockStages } from './commit-stage.ts';
import { writeFileAtomic } from '../dvc/atomic-write.ts';

/** Options for {@link commit}. */
export interface CommitOptions extends RunOptions {
  /** Outputs, folders or pointer files to commit (default: all). */
  readonly targets?: readonly string[];
  readonly cwd?: string;
  /** Stage updated pointer files in git (default true). */
  readonly stage?: boolean;
  readonly lockWaitMs?: number;
  /**
   * Record changed pipeline stages as `dvc commit -f` does: each selected output's whole `dvc.lock` stage is
   * recorded again from dvc.yaml and the workspace (commit-stage.ts). Without it a changed stage output is
   * skipped, as `dvc commit` stops to ask.
   */
  readonly force?: boolean;
}

/** What `commit` did for one output. */
export interface CommittedOutput {
  readonly path: string;
  readonly source: string;
  /** `updated`: new version recorded; `saved`: pointer unchanged, missing objects cached; `unchanged`: nothing to do. */
  readonly action: 'updated' | 'saved' | 'unchanged' | 'skipped';
  /** Why an output was skipped. */
  readonly reason?: string;
  readonly md5?: string;
  readonly hashName?: HashName;
  readonly objectsAdded: number;
  readonly bytesAdded: number;
}

/** Result of {@link commit}. */
export interface CommitResult {
  readonly outputs: CommittedOutput[];
  readonly staged: string[];
}

/**
 * `lockstep commit`: saves the current workspace data of tracked outputs into the cache and records
 * the new versions in their `.dvc` files (edited in place, keeping order and comments). Outputs of
 * `dvc.lock` stages are cached when they match the lock; a changed stage output is reported, and recorded
 * (with its whole stage, as `dvc commit -f` does) only with `force`.
 */
export async function commit(repo: Repo, options: CommitOptions = {}): Promise<CommitResult> {
  const { targets, cwd = repo.root, stage = true, lockWaitMs, force = false, signal, onProgress } = options;
  return withRepoLock(repo, `commit${targets?.length ? ` ${targets.join(' ')}` : ''}`, async () => {
    const ignore = await loadDvcIgnore(repo.root);
    const selected = selectOutputs(repo.root, await collectOutputs(repo, { signal }), targets, cwd);
    const byFile = new Map<string, TrackedOutput[]>();
    for (const t of selected) byFile.set(t.source.file, [...(byFile.get(t.source.file) ?? []), t]);
    const results: CommittedOutput[] = [];
    const toStage: string[] = [];
    for (const [file, outs] of byFile) {
      throwIfAborted(signal);
      const run = { signal, onProgress };
      const r = outs[0]?.source.kind !== 'lock'
        ? await commitDvcFile(repo, file, outs, ignore, run)
        : force
          ? await commitLockStages(repo, file, [...new Set(outs.map((t) => t.source.stage ?? ''))], ignore, run)
          : { results: await commitLockOutputs(repo, outs, ignore, run), written: false };
      results.push(...r.results);
      if (r.written) toStage.push(path.relative(repo.gitDir, path.join(repo.root, ...file.split('/'))).split(path.sep).join('/'));
    }
    if (stage) await gitAdd(repo.gitDir, toStage);
    return { outputs: results, staged: stage ? toStage : [] };
  }, { waitMs: lockWaitMs, signal });
}

async function commitDvcFile(repo: Repo, file: string, outs: readonly TrackedOutput[], ignore: IgnoreMatcher, run: RunOptions): Promise<{ results: CommittedOutput[]; written: boolean }> {
  const abs = path.join(repo.root, ...file.split('/'));
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    throw fromFsError(err, abs, 'read');
  }
  const parsed = parseDvcFile(text, file);
  const nextOuts: Output[] = [...parsed.outs];
  const results: CommittedOutput[] = [];
  let changed = false;
  for (const t of outs) {
    const previous = parsed.outs[t.source.outIndex] ?? t.output;
    if (!previous.cache) {
      results.push(skip(t, 'not cached (cache: false)'));
      continue;
    }
    // Hash and write the objects in one read pass; saveIfNeeded publishes them before the pointer is rewritten.
    const batch = new ObjectBatch(repo.odb);
    let hashed: Awaited<ReturnType<typeof hashForSave>>;
    let saved: SaveResult;
    try {
      hashed = await hashForSave(repo, t.absPath, previous, ignore, run, batch);
      if (!hashed) {
        results.push(skip(t, 'missing from the workspace'));
        continue;
      }
      saved = await saveIfNeeded(repo, hashed.state, hashed.hashName, run, batch);
    } finally {
      await batch.discard();
    }
    const same = previous.hashName === hashed.hashName && sameRecord(previous, hashed.state);
    if (!same) {
      nextOuts[t.source.outIndex] = outputFromState(previous, previous.path, hashed.state, hashed.hashName);
      changed = true;
    }
    results.push({
      path: t.relPath,
      source: file,
      action: !same ? 'updated' : saved.objectsAdded > 0 ? 'saved' : 'unchanged',
      md5: hashed.state.oid,
      hashName: hashed.hashName,
      objectsAdded: saved.objectsAdded,
      bytesAdded: saved.bytesAdded,
    });
  }
  if (changed) await writeFileAtomic(abs, updateDvcFileText(text, { ...parsed, outs: nextOuts }));
  return { results, written: changed };
}

/** Without `force`: caches stage outputs that still match the lock, one after another, and skips changed ones. */
async function commitLockOutputs(repo: Repo, outs: readonly TrackedOutput[], ignore: IgnoreMatcher, run: RunOptions): Promise<CommittedOutput[]> {
  const results: CommittedOutput[] = [];
  for (const t of outs) results.push(await commitLockOutput(repo, t, ignore, run));
  return results;
}

async function commitLockOutput(repo: Repo, t: TrackedOutput, ignore: IgnoreMatcher, run: RunOptions): Promise<CommittedOutput> {
  if (!t.output.cache) return skip(t, 'not cached (cache: false)');
  const hashed = await hashForSave(repo, t.absPath, t.output, ignore, run);
  if (!hashed) return skip(t, 'missing from the workspace');
  if (hashed.state.oid !== t.output.md5 || hashed.hashName !== t.output.hashName) {
    return skip(t, `changed since stage '${t.source.stage ?? '?'}' last ran; \`lockstep commit --force\` records the stage as it is now (as \`dvc commit -f\` does), or rerun it with \`dvc repro\``);
  }
  const saved = await saveIfNeeded(repo, hashed.state, hashed.hashName, run);
  return { path: t.relPath, source: t.source.file, action: saved.objectsAdded > 0 ? 'saved' : 'unchanged', md5: hashed.state.oid, hashName: hashed.hashName, objectsAdded: saved.objectsAdded, bytesAdded: saved.bytesAdded };
}

function skip(t: TrackedOutput, reason: string): CommittedOutput {
  return { path: t.relPath, source: t.source.file, action: 'skipped', reason, objectsAdded: 0, bytesAdded: 0 };
}
