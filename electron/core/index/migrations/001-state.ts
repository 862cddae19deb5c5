import type { Migration } from './index.ts';

/**
 * Hash state: the md5 of a workspace file, valid only while its inode, mtime (ns) and size are unchanged.
 * Keyed by absolute path and hash name (a legacy output and a 3.x output may hash the same file differently).
 * inode and mtime are 64-bit values from a bigint stat; they are stored as decimal TEXT because inodes can
 * exceed SQLite's signed 64-bit INTEGER and JS numbers lose nanoseconds.
 */
export const migration: Migration = {
  version: 1,
  name: 'state',
  up(db) {
    db.exec(`
      CREATE TABLE hash_state (
        path       TEXT    NOT NULL,
        hash_name  TEXT    NOT NULL,
        inode      TEXT    NOT NULL,
        mtime_ns   TEXT    NOT NULL,
        size       INTEGER NOT NULL,
        md5        TEXT    NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (path, hash_name)
      ) WITHOUT ROWID;
    `);
  },
};
