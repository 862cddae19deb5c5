import { dataStateAt } from './commit-state.ts';
import type { HistoryGit } from './history-git.ts';
import { resolveRev } from './resolve-rev.ts';
import { diffStates } from './state-diff.ts';
import type { OutputChange, ValueChange } from './types.ts';

/** Outputs, params, metrics and environment compared between two commits: the table `diff A B` shows. */
export interface CommitComparison {
  readonly a: { readonly rev: string; readonly oid: string };
  readonly b: { readonly rev: string; readonly oid: string };
  readonly outputs: OutputChange[];
  readonly params: ValueChange[];
  readonly metrics: ValueChange[];
  readonly environment: { readonly a: string | null; readonly b: string | null; readonly changed: boolean };
}

/** Compares the data state of two revisions (read from git, exact, independent of the timeline cache). */
export async function compareCommits(git: HistoryGit, revA: string, revB: string): Promise<CommitComparison> {
  const oidA = await resolveRev(git, revA);
  const oidB = await resolveRev(git, revB);
  const [sa, sb] = [await dataStateAt(git, oidA), await dataStateAt(git, oidB)];
  const d = diffStates(sa, sb);
  return {
    a: { rev: revA, oid: oidA },
    b: { rev: revB, oid: oidB },
    outputs: d.outputs,
    params: d.params,
    metrics: d.metrics,
    environment: { a: sa.env.fingerprint, b: sb.env.fingerprint, changed: d.envChanged },
  };
}
