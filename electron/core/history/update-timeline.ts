import type { Database } from 'better-sqlite3';
import type { IndexDb } from '../index/db.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { throttleProgress } from '../jobs/progress.ts';
import { analyseCommit, type ParentInfo } from './analyse-commit.ts';
import { BlobParser, EMPTY_STATE, stateFromFiles } from './data-state.ts';
import { openDiffSource, type DiffMode } from './diff-source.ts';
import type { ParsedCommit } from './git-objects/parse-objects.ts';
import { openHistoryGit, type HistoryGit, type HistoryRepoRef } from './history-git.ts';
import { peelToCommit, readRefSnapshot, type RefSnapshot } from './ref-snapshot.ts';
import { ensureAnalysisVersion, filesetOf, getMeta, insertCommits, knownOids, loadFileset, maxSeq, seqOf, setMeta, updateReachable, type CommitRow, type FilesetRecord } from './timeline-store.ts';
import { topoOrder } from './topo-order.ts';

/** What `updateTimeline` did. */
export interface TimelineUpdate {
  /** Commits analysed in this call (0 when the cache was current). */
  readonly added: number;
  /** Reachable commits in the timeline now. */
  readonly total: number;
  readonly upToDate: boolean;
}

/** Rows written per transaction: a killed update keeps what it finished and resumes from there. */
const CHUNK = 1000;

/** Options of `updateTimeline`. */
export interface TimelineUpdateOptions extends RunOptions {
  /** Where tree diffs run (default 'auto': a worker thread for large walks). Results are identical. */
  readonly diffMode?: DiffMode;
}

/**
 * Brings the timeline cache up to date with the repository's branches, tags and HEAD. Reads the ref
 * files first and returns at once when nothing moved. Otherwise walks only the commits not cached yet
 * (each once, parents before children), diffs each against its first parent's tree, analyses the
 * watched files that changed, and stores the rows in chunks. Cached commits are never recomputed.
 */
export async function updateTimeline(repo: HistoryRepoRef & { readonly index: IndexDb }, opts: TimelineUpdateOptions = {}): Promise<TimelineUpdate> {
  const db = repo.index.db;
  ensureAnalysisVersion(db);
  const git = openHistoryGit(repo);
  try {
    const snap = readRefSnapshot(git.dirs);
    // The warm path: no ref moved, so no object is read (packs are opened lazily).
    if (getMeta(db, 'refs_key') === snap.key) return { added: 0, total: reachableCount(db), upToDate: true };
    const peeled = await peelRefs(db, git, snap);
    const tips = new Set<string>(Object.values(peeled));
    if (snap.head) tips.add(snap.head);
    const added = await analyseNewCommits(db, repo, git, tips, opts);
    updateReachable(db, tips);
    setMeta(db, 'refs_peeled', JSON.stringify({ refs: peeled, head: snap.head, headBranch: snap.headBranch }));
    setMeta(db, 'refs_key', snap.key);
    return { added, total: reachableCount(db), upToDate: added === 0 };
  } finally {
    git.close();
  }
}

function reachableCount(db: Database): number {
  return db.prepare<[], number>('SELECT COUNT(*) FROM history_commits WHERE reachable = 1').pluck().get() ?? 0;
}

/** Ref name -> commit oid. Tags already peeled in the last snapshot are not read again. */
async function peelRefs(db: Database, git: HistoryGit, snap: RefSnapshot): Promise<Record<string, string>> {
  const before = JSON.parse(getMeta(db, 'refs_raw') ?? '{}') as Record<string, [string, string]>;
  const out: Record<string, string> = {};
  const raw: Record<string, [string, string]> = {};
  for (const [name, oid] of snap.refs) {
    const prev = before[name];
    const commit = prev && prev[0] === oid ? prev[1] : await peelToCommit(git.objects, oid).catch(() => null);
    if (!commit) continue; // a tag on a tree or blob, or a dangling ref
    out[name] = commit;
    raw[name] = [oid, commit];
  }
  setMeta(db, 'refs_raw', JSON.stringify(raw));
  return out;
}

interface NewCommit {
  readonly oid: string;
  readonly commit: ParsedCommit;
}

async function analyseNewCommits(db: Database, repo: HistoryRepoRef, git: HistoryGit, tips: Set<string>, opts: TimelineUpdateOptions): Promise<number> {
  const progress = throttleProgress(opts.onProgress);
  const known = knownOids(db);
  const found = new Map<string, NewCommit>();
  const stack = [...tips].filter((t) => !known.has(t));
  while (stack.length > 0) {
    const oid = stack.pop() as string;
    if (found.has(oid)) continue;
    const commit = await git.objects.withSync(() => git.objects.commitSync(oid));
    found.set(oid, { oid, commit });
    for (const p of commit.parents) if (!known.has(p) && !found.has(p)) stack.push(p);
    if (found.size % 500 === 0) {
      throwIfAborted(opts.signal);
      progress({ phase: 'walk', loaded: found.size, unit: 'objects', message: 'reading commits' });
    }
  }
  if (found.size === 0) return 0;
  const order = topoOrder([...found.values()].map((c) => ({ oid: c.oid, parents: c.commit.parents, time: c.commit.committer.time })));
  // Only the first parent's state is needed, so a state is dropped once its first-parent children are done.
  const waiting = new Map<string, number>();
  for (const c of found.values()) {
    const fp = c.commit.parents[0];
    if (fp) waiting.set(fp, (waiting.get(fp) ?? 0) + 1);
  }
  const jobs = order.map((node) => {
    const { commit } = found.get(node.oid) as NewCommit;
    return { oid: node.oid, rootTree: commit.tree, firstParent: commit.parents[0] ?? null };
  });
  const parser = new BlobParser((oid) => git.objects.blobSync(oid));
  const states = new Map<string, ParentInfo>();
  let seq = maxSeq(db) + 1;
  const seqs = new Map<string, number>();
  let rows: CommitRow[] = [];
  let filesets: FilesetRecord[] = [];
  let done = 0;
  const diffs = openDiffSource(repo, git, jobs, opts.diffMode);
  try {
    for await (const d of diffs) {
      const node = order[done] as (typeof order)[number];
      const { commit } = found.get(node.oid) as NewCommit;
      const fp = commit.parents[0];
      const parent = fp ? (states.get(fp) ?? (await resumeState(db, git, fp, parser))) : { state: EMPTY_STATE, fileset: '' };
      const firstParentSeq = fp ? (seqs.get(fp) ?? seqOf(db, fp) ?? null) : null;
      seqs.set(node.oid, seq);
      const info = { oid: node.oid, commit, tree: d.tree, seq: seq++, firstParentSeq };
      const result = await git.objects.withSync(() => analyseCommit(git, info, parent, parser, d.changes));
      rows.push(result.row);
      if (result.newFileset) filesets.push(result.newFileset);
      states.set(node.oid, { state: result.state, fileset: result.row.fileset });
      if (fp) {
        const left = (waiting.get(fp) ?? 1) - 1;
        waiting.set(fp, left);
        if (left === 0) states.delete(fp);
      }
      if (!waiting.get(node.oid)) states.delete(node.oid);
      done++;
      if (rows.length >= CHUNK) {
        insertCommits(db, rows, filesets);
        rows = [];
        filesets = [];
      }
      if (done % 100 === 0) {
        throwIfAborted(opts.signal);
        progress({ phase: 'analyse', loaded: done, total: order.length, unit: 'objects', current: node.oid.slice(0, 8) });
      }
    }
  } finally {
    await diffs.close();
  }
  insertCommits(db, rows, filesets);
  progress({ phase: 'analyse', loaded: order.length, total: order.length, unit: 'objects' });
  return order.length;
}

/** The state of a commit analysed in an earlier run, rebuilt from its stored fileset. */
async function resumeState(db: Database, git: HistoryGit, oid: string, parser: BlobParser): Promise<ParentInfo> {
  const fileset = filesetOf(db, oid) ?? '';
  const files = fileset ? loadFileset(db, fileset) : new Map();
  const state = await git.objects.withSync(() => stateFromFiles(files, parser));
  return { state, fileset };
}
