import { advanceState, type BlobParser, type DataState } from './data-state.ts';
import { isEnvFileName } from './file-roles.ts';
import type { ParsedCommit } from './git-objects/parse-objects.ts';
import type { HistoryGit } from './history-git.ts';
import { diffStates } from './state-diff.ts';
import { filesetRecord, type CommitRow, type FilesetRecord } from './timeline-store.ts';
import type { TreeChange } from './tree-diff.ts';
import { CHANGED_FILES_LIMIT } from './types.ts';

/** The first parent's analysed state and fileset hash. */
export interface ParentInfo {
  readonly state: DataState;
  /** The parent's fileset hash ('' for the empty state). */
  readonly fileset: string;
}

/**
 * Synchronous (git reads are positioned pack reads); may throw NeedsAsyncRead, so callers run it
 * through `objects.withSync`, which is safe because it has no side effects.
 * Analyses one commit against its first parent, given the files that differ between their trees
 * (`changed`, from the commit differ): the new data state, and the differences in outputs, params,
 * metrics and environment. Returns the row to store and the state its children start from.
 */
export function analyseCommit(
  git: HistoryGit,
  c: { oid: string; commit: ParsedCommit; tree: string | null; seq: number; firstParentSeq: number | null },
  parent: ParentInfo,
  parser: BlobParser,
  changed: readonly TreeChange[],
): { row: CommitRow; state: DataState; newFileset: FilesetRecord | null } {
  const lookup = (relPath: string): string | null => {
    if (!c.tree) return null;
    const hit = git.objects.pathOidSync(c.tree, relPath);
    return hit?.kind === 'blob' ? hit.oid : null;
  };
  const state = advanceState(parent.state, changed, parser, lookup);
  const d = diffStates(parent.state, state);
  const newFileset = state.files === parent.state.files && parent.fileset ? null : filesetRecord(state.files);
  const fileset = newFileset ? newFileset.hash : parent.fileset;
  let totalSize = 0;
  for (const o of state.outputs.values()) totalSize += o.size ?? 0;
  const paths = changed.map((x) => x.path).sort();
  // A malformed file is reported where it changed, not again on every later commit.
  const changedSet = new Set(paths);
  const envFiles = d.envChanged ? paths.filter((p) => isEnvFileName(p.slice(p.lastIndexOf('/') + 1))) : [];
  const dataChanged = d.outputs.length > 0 || d.params.length > 0 || d.metrics.length > 0 || d.envChanged;
  const row: CommitRow = {
    oid: c.oid,
    seq: c.seq,
    parents: c.commit.parents,
    firstParentSeq: c.firstParentSeq,
    authorName: c.commit.author.name,
    authorEmail: c.commit.author.email,
    authorTime: c.commit.author.time,
    authorTz: c.commit.author.tz,
    commitTime: c.commit.committer.time,
    message: c.commit.message,
    filesChanged: paths.length,
    changedFiles: paths.slice(0, CHANGED_FILES_LIMIT),
    dataChanged,
    outputCount: state.outputs.size,
    totalSize,
    envFingerprint: state.env.fingerprint,
    envChanged: d.envChanged,
    changes: { outputs: d.outputs, params: d.params, metrics: d.metrics, envFiles, warnings: state.warnings.filter((w) => changedSet.has(w.file)).map((w) => `${w.file}: ${w.message}`) },
    fileset,
  };
  return { row, state, newFileset };
}
