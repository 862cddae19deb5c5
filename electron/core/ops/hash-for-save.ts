import type { ObjectBatch } from '../cache/object-batch.ts';
import type { IgnoreMatcher } from '../dvc/dvcignore.ts';
import type { Output } from '../dvc/output.ts';
import { LockstepError } from '../errors/index.ts';
import type { HashName } from '../hash/hash-pool.ts';
import type { RunOptions } from '../jobs/progress.ts';
import type { Repo } from '../repo/open-repo.ts';
import { recordedHashes } from './output-record.ts';
import type { WorkspaceState } from './workspace-state.ts';
import { hashWorkspaceOutput } from './workspace-state.ts';

/** A workspace output that exists. */
export type PresentState = Exclude<WorkspaceState, { kind: 'missing' }>;

/**
 * Hashes an output that is about to be saved (add, commit) with the right algorithm: its recorded one,
 * except that a legacy (2.x, md5-dos2unix) output whose data changed is re-hashed as a DVC 3 `md5`
 * output, as DVC's `update_legacy_hash_name` does (dvc-format.md §2.4). Returns null when the
 * output is missing from the workspace. With `store`, files read for hashing are staged in it as cache
 * objects in the same pass (pass the batch on to `saveIfNeeded`, which publishes it).
 */
export async function hashForSave(
  repo: Repo,
  absPath: string,
  previous: Output | undefined,
  ignore: IgnoreMatcher,
  run: RunOptions,
  store?: ObjectBatch,
): Promise<{ state: PresentState; hashName: HashName } | null> {
  const base = { index: repo.index, repoRoot: repo.root, ignore, signal: run.signal, onProgress: run.onProgress, store };
  let hashName: HashName = previous?.hashName ?? 'md5';
  const recorded = previous ? await recordedHashes(repo.odb, previous) : undefined;
  let state = await hashWorkspaceOutput(absPath, { ...base, hashName, recorded });
  if (state.kind === 'missing') return null;
  if (hashName === 'md5-dos2unix' && state.oid !== previous?.md5) {
    hashName = 'md5';
    state = await hashWorkspaceOutput(absPath, { ...base, hashName });
    if (state.kind === 'missing') {
      throw new LockstepError('BAD_TARGET', `${absPath} disappeared while it was being read.`, { path: absPath });
    }
  }
  return { state, hashName };
}
