import type { Migration } from './index.ts';

/**
 * Remote bookkeeping (issue 3). Every table is keyed by the remote's URL, not its name, so renaming a remote
 * keeps what is known and two names for one place share it.
 * - remote_objects: keys confirmed present on a remote (after an upload, a HEAD or a listing), so the next
 *   `status --cloud` or push asks the server nothing for them.
 * - multipart_uploads / multipart_parts: in-progress S3 multipart uploads and the parts the server acknowledged,
 *   so a killed push resumes from the last completed part.
 * - partial_downloads: downloads interrupted mid-body, resumed with an HTTP Range request while the object's
 *   etag is unchanged.
 */
export const migration: Migration = {
  version: 2,
  name: 'remote',
  up(db) {
    db.exec(`
      CREATE TABLE remote_objects (
        remote       TEXT    NOT NULL,
        key          TEXT    NOT NULL,
        confirmed_at INTEGER NOT NULL,
        PRIMARY KEY (remote, key)
      ) WITHOUT ROWID;

      CREATE TABLE multipart_uploads (
        remote     TEXT    NOT NULL,
        key        TEXT    NOT NULL,
        upload_id  TEXT    NOT NULL,
        md5        TEXT    NOT NULL,
        size       INTEGER NOT NULL,
        part_size  INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        PRIMARY KEY (remote, key)
      ) WITHOUT ROWID;

      CREATE TABLE multipart_parts (
        remote      TEXT    NOT NULL,
        key         TEXT    NOT NULL,
        part_number INTEGER NOT NULL,
        etag        TEXT    NOT NULL,
        size        INTEGER NOT NULL,
        PRIMARY KEY (remote, key, part_number)
      ) WITHOUT ROWID;

      CREATE TABLE partial_downloads (
        remote     TEXT    NOT NULL,
        key        TEXT    NOT NULL,
        path       TEXT    NOT NULL,
        etag       TEXT,
        size       INTEGER NOT NULL,
        started_at INTEGER NOT NULL,
        PRIMARY KEY (remote, key)
      ) WITHOUT ROWID;
    `);
  },
};
