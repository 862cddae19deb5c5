import { gitCommitStaged } from '../git/commit.ts';
import type { RunOptions } from '../jobs/progress.ts';
import type { Repo } from '../repo/open-repo.ts';
import { commit, type CommittedOutput } from './commit.ts';

/** Options for {@link recordVersion}. */
export interface RecordVersionOptions extends RunOptions {
  /** The git commit message. */
  readonly message: string;
  /** Outputs to save first (default: every modified output). */
  readonly targets?: readonly string[];
  readonly cwd?: string;
}

/** Result of {@link recordVersion}: the git commit and what was saved into the cache before it. */
export interface RecordVersionResult {
  readonly commit: string;
  readonly outputs: CommittedOutput[];
  readonly staged: string[];
}

/**
 * The app's commit box as one engine operation (`lockstep save -m`): save modified outputs into the cache
 * and stage their pointer files (`lockstep commit`), then record everything staged as a git commit
 * (`git commit -m`). Pushing stays a separate operation so it can run, fail and be retried on its own.
 * The data is saved first on purpose: a pointer committed to git without its bytes in the cache would
 * name a version nobody can restore.
 */
export async function recordVersion(repo: Repo, options: RecordVersionOptions): Promise<RecordVersionResult> {
  const { message, targets, cwd, signal, onProgress } = options;
  const saved = await commit(repo, { targets, cwd, stage: true, signal, onProgress });
  const { oid } = await gitCommitStaged(repo.gitDir, message);
  return { commit: oid, outputs: saved.outputs, staged: saved.staged };
}
