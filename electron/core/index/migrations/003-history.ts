import type { Migration } from './index.ts';

/**
 * Timeline cache (issue 4). Commits are immutable, so everything here is keyed by commit oid and only
 * ever added to; `reachable` is the one mutable flag (a deleted branch hides its commits).
 * - history_commits: one row per analysed commit; `seq` is a topological position (parents lower),
 *   `changes` the JSON of outputs/params/metrics changed against the first parent.
 * - history_output_changes: per output path, the version each commit that changed it recorded
 *   (md5 null when removed); with `first_parent` it answers "history of PATH" without git.
 * - history_filesets: the watched files (pointers, locks, params, metrics, environment) of a commit,
 *   content-addressed by the md5 of their JSON, so an incremental update resumes from any cached commit.
 * - history_meta: the ref snapshot and the analysis version.
 */
export const migration: Migration = {
  version: 3,
  name: 'history',
  up(db) {
    db.exec(`
      CREATE TABLE history_commits (
        oid             TEXT    PRIMARY KEY,
        seq             INTEGER NOT NULL UNIQUE,
        parents         TEXT    NOT NULL,
        first_parent    TEXT,
        first_parent_seq INTEGER,
        author_name     TEXT    NOT NULL,
        author_email    TEXT    NOT NULL,
        author_time     INTEGER NOT NULL,
        author_tz       TEXT    NOT NULL,
        commit_time     INTEGER NOT NULL,
        message         TEXT    NOT NULL,
        files_changed   INTEGER NOT NULL,
        changed_files   TEXT    NOT NULL,
        data_changed    INTEGER NOT NULL,
        output_count    INTEGER NOT NULL,
        total_size      INTEGER NOT NULL,
        env_fingerprint TEXT,
        env_changed     INTEGER NOT NULL,
        changes         TEXT    NOT NULL,
        fileset         TEXT    NOT NULL,
        reachable       INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX history_commits_reachable ON history_commits (reachable, seq);
      CREATE INDEX history_commits_data ON history_commits (reachable, data_changed, seq);
      -- Covers the commit-graph scan of "history PATH" so it never reads the wide rows (changes JSON).
      CREATE INDEX history_commits_graph ON history_commits (reachable, seq, first_parent_seq);

      CREATE TABLE history_output_changes (
        path    TEXT    NOT NULL,
        seq     INTEGER NOT NULL,
        oid     TEXT    NOT NULL,
        change  TEXT    NOT NULL,
        md5     TEXT,
        size    INTEGER,
        nfiles  INTEGER,
        legacy  INTEGER NOT NULL,
        is_dir  INTEGER NOT NULL,
        PRIMARY KEY (path, seq)
      ) WITHOUT ROWID;

      CREATE TABLE history_filesets (
        hash  TEXT PRIMARY KEY,
        files TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE history_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
