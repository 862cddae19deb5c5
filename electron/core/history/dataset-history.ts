import type { IndexDb } from '../index/db.ts';
import { LockstepError } from '../errors/index.ts';
import { stmt } from './timeline-store.ts';

/** One distinct version of a tracked path across history. */
export interface DatasetVersion {
  readonly md5: string;
  readonly legacy: boolean;
  readonly isDir: boolean;
  readonly size: number | null;
  readonly nfiles: number | null;
  /** The oldest and newest commits (topological order) whose tree has this version. */
  readonly firstCommit: { readonly oid: string; readonly time: number; readonly subject: string };
  readonly lastCommit: { readonly oid: string; readonly time: number; readonly subject: string };
  /** How many commits have this version. */
  readonly commits: number;
}

/** A point of the size-over-time chart: a commit where the path changed. */
export interface SeriesPoint {
  readonly oid: string;
  readonly time: number;
  readonly change: 'added' | 'modified' | 'removed';
  readonly md5: string | null;
  readonly size: number | null;
  readonly nfiles: number | null;
}

/** The history of one tracked path. */
export interface DatasetHistory {
  readonly path: string;
  /** Distinct versions, oldest first (by the commit that introduced them). */
  readonly versions: DatasetVersion[];
  readonly series: SeriesPoint[];
}

interface ChangeRow {
  seq: number;
  oid: string;
  change: 'added' | 'modified' | 'removed';
  md5: string | null;
  size: number | null;
  nfiles: number | null;
  legacy: number;
  is_dir: number;
}

/**
 * Every distinct version of `relPath` over the reachable history, from the timeline cache (run
 * `updateTimeline` first). A commit's version is the one its own change recorded, else its first
 * parent's: that is exactly how the timeline derives state, so merges inherit their mainline's data.
 * `relPath` may also name the pointer file (`data/x.dvc`). NOT_TRACKED when no commit ever had it.
 */
export function getDatasetHistory(repo: { readonly index: IndexDb }, relPath: string): DatasetHistory {
  const db = repo.index.db;
  const clean = relPath.replace(/^\.\//, '').replace(/\/+$/, '');
  const changesOf = (p: string) =>
    stmt<[string], ChangeRow>(db, `SELECT c.seq, c.oid, c.change, c.md5, c.size, c.nfiles, c.legacy, c.is_dir
      FROM history_output_changes c JOIN history_commits h ON h.oid = c.oid WHERE c.path = ? AND h.reachable = 1 ORDER BY c.seq`).all(p);
  let path = clean;
  let rows = changesOf(path);
  if (rows.length === 0 && clean.endsWith('.dvc')) rows = changesOf((path = clean.slice(0, -4)));
  if (rows.length === 0) {
    throw new LockstepError('NOT_TRACKED', `${clean} was never a tracked output in the commits of this repository. Check the path (it is relative to the repository root).`, { path: clean });
  }
  // The commit graph as integers (covering index, no wide rows): version index per seq, -1 for absent.
  const graph = stmt<[], [number, number | null]>(db, 'SELECT seq, first_parent_seq FROM history_commits WHERE reachable = 1 ORDER BY seq').raw().all();
  const maxSeqSeen = graph.length ? (graph[graph.length - 1] as [number, number | null])[0] : -1;
  const value = new Int32Array(maxSeqSeen + 1).fill(-1);
  const byChangeSeq = new Map(rows.map((r) => [r.seq, r]));
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const stats: { row: ChangeRow; first: number; last: number; commits: number }[] = [];
  for (const [seq, fpSeq] of graph) {
    const own = byChangeSeq.get(seq);
    let v: number;
    if (own) {
      if (own.change === 'removed' || own.md5 === null) v = -1;
      else {
        const key = `${own.md5}\0${own.legacy}`;
        let k = keyIndex.get(key);
        if (k === undefined) {
          k = keys.push(key) - 1;
          keyIndex.set(key, k);
          stats.push({ row: own, first: seq, last: seq, commits: 0 });
        }
        v = k;
      }
    } else {
      v = fpSeq === null || fpSeq > maxSeqSeen ? -1 : (value[fpSeq] ?? -1);
    }
    value[seq] = v;
    if (v >= 0) {
      const st = stats[v] as (typeof stats)[number];
      st.last = seq;
      st.commits++;
    }
  }
  const detail = stmt<[number], { oid: string; author_time: number; message: string }>(db, 'SELECT oid, author_time, message FROM history_commits WHERE seq = ?');
  const summary = (seq: number) => {
    const d = detail.get(seq);
    return { oid: d?.oid ?? '', time: d?.author_time ?? 0, subject: d?.message.split('\n', 1)[0] ?? '' };
  };
  const timeOf = new Map(rows.map((r) => [r.seq, detail.get(r.seq)?.author_time ?? 0]));
  return {
    path,
    versions: stats.map((v) => ({
      md5: v.row.md5 as string,
      legacy: v.row.legacy === 1,
      isDir: v.row.is_dir === 1,
      size: v.row.size,
      nfiles: v.row.nfiles,
      firstCommit: summary(v.first),
      lastCommit: summary(v.last),
      commits: v.commits,
    })),
    series: rows.map((r) => ({ oid: r.oid, time: timeOf.get(r.seq) ?? 0, change: r.change, md5: r.md5, size: r.size, nfiles: r.nfiles })),
  };
}
