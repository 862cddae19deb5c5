import { createHash } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { WatchedFile } from './data-state.ts';
import type { OutputChange, ValueChange } from './types.ts';

/**
 * Bump when the analysis changes meaning (new roles, different keys): cached rows are then dropped
 * and rebuilt, because a cache keyed by immutable commit oids is otherwise never recomputed.
 */
export const ANALYSIS_VERSION = '1';

/** What a timeline row stores besides its columns. */
export interface StoredChanges {
  readonly outputs: OutputChange[];
  readonly params: ValueChange[];
  readonly metrics: ValueChange[];
  readonly envFiles: string[];
  readonly warnings: string[];
}

/** One row to insert. */
export interface CommitRow {
  readonly oid: string;
  readonly seq: number;
  readonly parents: readonly string[];
  /** The first parent's `seq` (null for a root commit): lets history queries walk the graph as integers. */
  readonly firstParentSeq: number | null;
  readonly authorName: string;
  readonly authorEmail: string;
  readonly authorTime: number;
  readonly authorTz: string;
  readonly commitTime: number;
  readonly message: string;
  readonly filesChanged: number;
  readonly changedFiles: readonly string[];
  readonly dataChanged: boolean;
  readonly outputCount: number;
  readonly totalSize: number;
  readonly envFingerprint: string | null;
  readonly envChanged: boolean;
  readonly changes: StoredChanges;
  /** The md5 of the commit's watched-files JSON (see `filesetJson`). */
  readonly fileset: string;
}

/** A fileset to store with the rows that reference it. */
export interface FilesetRecord {
  readonly hash: string;
  readonly json: string;
}

// Preparing a statement costs more than running it; the walk runs these thousands of times.
const statements = new WeakMap<Database, Map<string, Statement>>();

/** A prepared statement, cached per database connection. */
export function stmt<P extends unknown[] = unknown[], R = unknown>(db: Database, sql: string): Statement<P, R> {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s as unknown as Statement<P, R>;
}

/** Drops cached rows written by another analysis version. */
export function ensureAnalysisVersion(db: Database): void {
  const v = db.prepare<[], string>("SELECT value FROM history_meta WHERE key = 'analysis_version'").pluck().get();
  if (v === ANALYSIS_VERSION) return;
  db.transaction(() => {
    db.exec('DELETE FROM history_commits; DELETE FROM history_output_changes; DELETE FROM history_filesets; DELETE FROM history_meta;');
    db.prepare("INSERT INTO history_meta (key, value) VALUES ('analysis_version', ?)").run(ANALYSIS_VERSION);
  }).immediate();
}

/** A value from history_meta. */
export function getMeta(db: Database, key: string): string | undefined {
  return db.prepare<[string], string>('SELECT value FROM history_meta WHERE key = ?').pluck().get(key);
}

/** Sets a value in history_meta. */
export function setMeta(db: Database, key: string, value: string): void {
  db.prepare('INSERT INTO history_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

/** Every cached commit oid. */
export function knownOids(db: Database): Set<string> {
  return new Set(db.prepare<[], string>('SELECT oid FROM history_commits').pluck().all());
}

/** The highest `seq` so far (-1 when empty). */
export function maxSeq(db: Database): number {
  return db.prepare<[], number | null>('SELECT MAX(seq) FROM history_commits').pluck().get() ?? -1;
}

/** The `seq` of a cached commit. */
export function seqOf(db: Database, oid: string): number | undefined {
  return stmt<[string], number>(db, 'SELECT seq FROM history_commits WHERE oid = ?').pluck().get(oid);
}

/** The fileset hash of a cached commit. */
export function filesetOf(db: Database, oid: string): string | undefined {
  return stmt<[string], string>(db, 'SELECT fileset FROM history_commits WHERE oid = ?').pluck().get(oid);
}

/** The watched files of a stored fileset. */
export function loadFileset(db: Database, hash: string): Map<string, WatchedFile> {
  const json = stmt<[string], string>(db, 'SELECT files FROM history_filesets WHERE hash = ?').pluck().get(hash);
  const rows = json ? (JSON.parse(json) as [string, string, WatchedFile['role']][]) : [];
  return new Map(rows.map(([p, oid, role]) => [p, { oid, role }]));
}

/** The JSON and md5 identity of a set of watched files (paths sorted, so equal sets hash equal). */
export function filesetRecord(files: ReadonlyMap<string, WatchedFile>): FilesetRecord {
  const keys = [...files.keys()].sort();
  const json = JSON.stringify(keys.map((p) => {
    const f = files.get(p) as WatchedFile;
    return [p, f.oid, f.role];
  }));
  return { hash: createHash('md5').update(json).digest('hex'), json };
}

/** Inserts analysed commits, their output changes and the filesets they reference, in one transaction. */
export function insertCommits(db: Database, rows: readonly CommitRow[], filesets: readonly FilesetRecord[]): void {
  const insCommit = stmt(db, `INSERT INTO history_commits (oid, seq, parents, first_parent, first_parent_seq, author_name, author_email, author_time, author_tz,
    commit_time, message, files_changed, changed_files, data_changed, output_count, total_size, env_fingerprint, env_changed, changes, fileset)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insChange = stmt(db, 'INSERT INTO history_output_changes (path, seq, oid, change, md5, size, nfiles, legacy, is_dir) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const insFileset = stmt(db, 'INSERT OR IGNORE INTO history_filesets (hash, files) VALUES (?, ?)');
  db.transaction(() => {
    for (const f of filesets) insFileset.run(f.hash, f.json);
    for (const r of rows) {
      insCommit.run(r.oid, r.seq, r.parents.join(' '), r.parents[0] ?? null, r.firstParentSeq, r.authorName, r.authorEmail, r.authorTime, r.authorTz, r.commitTime, r.message,
        r.filesChanged, JSON.stringify(r.changedFiles), r.dataChanged ? 1 : 0, r.outputCount, r.totalSize, r.envFingerprint, r.envChanged ? 1 : 0,
        JSON.stringify(r.changes), r.fileset);
      for (const c of r.changes.outputs) {
        const v = c.new;
        insChange.run(c.path, r.seq, r.oid, c.change, v?.md5 ?? null, v?.size ?? null, v?.nfiles ?? null, v?.legacy ? 1 : 0, v?.isDir ? 1 : 0);
      }
    }
  }).immediate();
}

/**
 * Marks which cached commits are reachable from `tips` (ancestors included), using the stored parent
 * lists: after a branch is deleted its commits stay cached (a later ref may bring them back) but leave
 * the timeline.
 */
export function updateReachable(db: Database, tips: Iterable<string>): void {
  const parents = new Map<string, string>();
  for (const r of db.prepare<[], { oid: string; parents: string }>('SELECT oid, parents FROM history_commits').iterate()) parents.set(r.oid, r.parents);
  const reach = new Set<string>();
  const stack = [...tips].filter((t) => parents.has(t));
  while (stack.length > 0) {
    const oid = stack.pop() as string;
    if (reach.has(oid)) continue;
    reach.add(oid);
    const ps = parents.get(oid);
    if (ps) for (const p of ps.split(' ')) if (p && !reach.has(p) && parents.has(p)) stack.push(p);
  }
  const current = new Set(db.prepare<[], string>('SELECT oid FROM history_commits WHERE reachable = 1').pluck().all());
  const set = db.prepare('UPDATE history_commits SET reachable = ? WHERE oid = ?');
  db.transaction(() => {
    for (const oid of current) if (!reach.has(oid)) set.run(0, oid);
    for (const oid of reach) if (!current.has(oid)) set.run(1, oid);
  }).immediate();
}
