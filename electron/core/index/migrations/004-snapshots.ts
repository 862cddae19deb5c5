import type { Migration } from './index.ts';

/**
 * Fast paths for `status` on large folders (issue 2).
 * - output_snapshots: for a tracked folder (absolute path + hash name), the digest of its file listing
 *   (relpath, inode, mtime ns, size of every file, in walk order) when it last hashed to `dir_oid` entirely
 *   from valid hash-state entries. The same listing again proves the same `.dir` oid, by stat alone, with the
 *   same inode+mtime+size semantics as hash_state.
 * - cache_complete: a `.dir` object whose manifest entries were all found in the cache at `cache_root`, valid
 *   only while the cache's layout folders keep the recorded fingerprint (any object added or removed changes a
 *   folder's mtime/ctime, which makes the mark stale).
 */
export const migration: Migration = {
  version: 4,
  name: 'snapshots',
  up(db) {
    db.exec(`
      CREATE TABLE output_snapshots (
        path       TEXT    NOT NULL,
        hash_name  TEXT    NOT NULL,
        digest     TEXT    NOT NULL,
        dir_oid    TEXT    NOT NULL,
        nfiles     INTEGER NOT NULL,
        size       INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (path, hash_name)
      ) WITHOUT ROWID;
      CREATE TABLE cache_complete (
        cache_root  TEXT    NOT NULL,
        hash_name   TEXT    NOT NULL,
        dir_oid     TEXT    NOT NULL,
        fingerprint TEXT    NOT NULL,
        verified_at INTEGER NOT NULL,
        PRIMARY KEY (cache_root, hash_name, dir_oid)
      ) WITHOUT ROWID;
    `);
  },
};
