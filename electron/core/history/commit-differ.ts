import type { HistoryGit } from './history-git.ts';
import { diffTrees, type TreeChange } from './tree-diff.ts';

/** One commit to diff against its first parent, in the order the timeline analyses them. */
export interface DiffJob {
  readonly oid: string;
  /** The commit's root tree. */
  readonly rootTree: string;
  readonly firstParent: string | null;
}

/** A commit's DVC-root tree, its first parent's, and the files that differ between them. */
export interface CommitDiff {
  readonly tree: string | null;
  readonly parentTree: string | null;
  readonly changes: TreeChange[];
}

/**
 * Diffs the commits of a walk, in order, each against its first parent. The same code runs on the main
 * thread and in the diff worker (diff-worker.ts), so both give identical results. A parent's tree is
 * remembered until its last first-parent child is done; a parent outside the walk (already cached by
 * an earlier update) is read from git.
 */
export class CommitDiffer {
  private readonly git: HistoryGit;
  private readonly trees = new Map<string, string | null>();
  private readonly waiting = new Map<string, number>();

  /** `jobs` is the whole walk: it tells which trees to keep for later children. */
  constructor(git: HistoryGit, jobs: readonly DiffJob[]) {
    this.git = git;
    for (const j of jobs) if (j.firstParent) this.waiting.set(j.firstParent, (this.waiting.get(j.firstParent) ?? 0) + 1);
  }

  /** Diffs the next job (call in walk order). */
  async diff(job: DiffJob): Promise<CommitDiff> {
    const tree = await this.git.dvcTree(job.rootTree);
    const fp = job.firstParent;
    let parentTree: string | null = null;
    if (fp) {
      const known = this.trees.get(fp);
      parentTree = known !== undefined ? known : await this.git.dvcTree((await this.git.objects.commit(fp)).tree);
      const left = (this.waiting.get(fp) ?? 1) - 1;
      if (left > 0) this.waiting.set(fp, left);
      else {
        this.waiting.delete(fp);
        this.trees.delete(fp);
      }
    }
    if (this.waiting.has(job.oid)) this.trees.set(job.oid, tree);
    return { tree, parentTree, changes: await diffTrees(this.git.objects, parentTree, tree) };
  }
}
