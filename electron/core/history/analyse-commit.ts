export const T = { diff: 0, adv: 0, ds: 0, rest: 0 };
(globalThis as any).T = T;
import type { Database } from 'better-sqlite3';
import { advanceState, type BlobParser, type DataState } from './data-state.ts';
import { isEnvFileName } from './file-roles.ts';
import type { ParsedCommit } from './git-objects/parse-objects.ts';
import type { HistoryGit } from './history-git.ts';
import { diffStates } from './state-diff.ts';
import { saveFileset, type CommitRow } from './timeline-store.ts';
import { diffTrees } from './tree-diff.ts';
import { CHANGED_FILES_LIMIT } from './types.ts';

/** The first parent's analysed state, with its DVC-root tree oid and stored fileset id. */
export interface ParentInfo {
  readonly state: DataState;
  readonly tree: string | null;
  readonly filesetId: number;
}

/**
 * Analyses one commit against its first parent: the tree diff (code side), the new data state, and the
 * differences in outputs, params, metrics and environment. Returns the row to store and the state its
 * children start from.
 */
export async function analyseCommit(
  db: Database,
  git: HistoryGit,
  c: { oid: string; commit: ParsedCommit; tree: string | null; seq: number },
  parent: ParentInfo,
  parser: BlobParser,
): Promise<{ row: CommitRow; state: DataState }> {
  let t0 = performance.now();
  const changed = await diffTrees(git.objects, parent.tree, c.tree);
  T.diff += performance.now() - t0; t0 = performance.now();
  const lookup = async (relPath: string): Promise<string | null> => {
    if (!c.tree) return null;
    const hit = await git.objects.pathOid(c.tree, relPath);
    return hit?.kind === 'blob' ? hit.oid : null;
  };
  const state = await advanceState(parent.state, changed, parser, lookup);
  T.adv += performance.now() - t0; t0 = performance.now();
  const d = diffStates(parent.state, state);
  const filesetId = state.files === parent.state.files && parent.filesetId >= 0 ? parent.filesetId : saveFileset(db, state.files);
  T.ds += performance.now() - t0; t0 = performance.now();
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
    filesetId,
  };
  T.rest += performance.now() - t0;
  return { row, state };
}
