import type { IndexDb } from './db.ts';

/** An in-progress multipart upload as stored (see migration 002). */
export interface MultipartRow {
  readonly key: string;
  readonly uploadId: string;
  readonly md5: string;
  readonly size: number;
  readonly partSize: number;
  readonly startedAt: number;
  readonly parts: { partNumber: number; etag: string; size: number }[];
}

interface UploadSqlRow { key: string; upload_id: string; md5: string; size: number; part_size: number; started_at: number }

function toRow(index: IndexDb, remoteUrl: string, r: UploadSqlRow): MultipartRow {
  const parts = index.db
    .prepare<[string, string], { part_number: number; etag: string; size: number }>('SELECT part_number, etag, size FROM multipart_parts WHERE remote = ? AND key = ? ORDER BY part_number')
    .all(remoteUrl, r.key)
    .map((p) => ({ partNumber: p.part_number, etag: p.etag, size: p.size }));
  return { key: r.key, uploadId: r.upload_id, md5: r.md5, size: r.size, partSize: r.part_size, startedAt: r.started_at, parts };
}

/** The remembered multipart upload for one key, with its acknowledged parts. */
export function getMultipart(index: IndexDb, remoteUrl: string, key: string): MultipartRow | undefined {
  const r = index.db.prepare<[string, string], UploadSqlRow>('SELECT key, upload_id, md5, size, part_size, started_at FROM multipart_uploads WHERE remote = ? AND key = ?').get(remoteUrl, key);
  return r && toRow(index, remoteUrl, r);
}

/** Every remembered multipart upload on a remote (to abort the stale ones). */
export function listMultiparts(index: IndexDb, remoteUrl: string): MultipartRow[] {
  return index.db
    .prepare<[string], UploadSqlRow>('SELECT key, upload_id, md5, size, part_size, started_at FROM multipart_uploads WHERE remote = ?')
    .all(remoteUrl)
    .map((r) => toRow(index, remoteUrl, r));
}

/** Remembers a freshly created multipart upload (replacing any older record for the key). */
export function startMultipart(index: IndexDb, remoteUrl: string, rec: { key: string; uploadId: string; md5: string; size: number; partSize: number }): void {
  index.db.transaction(() => {
    index.db.prepare('DELETE FROM multipart_parts WHERE remote = ? AND key = ?').run(remoteUrl, rec.key);
    index.db
      .prepare('INSERT OR REPLACE INTO multipart_uploads (remote, key, upload_id, md5, size, part_size, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(remoteUrl, rec.key, rec.uploadId, rec.md5, rec.size, rec.partSize, Date.now());
  })();
}

/** Records one part the server acknowledged; committed at once so a kill right after loses nothing. */
export function recordPart(index: IndexDb, remoteUrl: string, key: string, part: { partNumber: number; etag: string; size: number }): void {
  index.db.prepare('INSERT OR REPLACE INTO multipart_parts (remote, key, part_number, etag, size) VALUES (?, ?, ?, ?, ?)').run(remoteUrl, key, part.partNumber, part.etag, part.size);
}

/** Forgets a multipart upload (completed or aborted) and its parts. */
export function finishMultipart(index: IndexDb, remoteUrl: string, key: string): void {
  index.db.transaction(() => {
    index.db.prepare('DELETE FROM multipart_parts WHERE remote = ? AND key = ?').run(remoteUrl, key);
    index.db.prepare('DELETE FROM multipart_uploads WHERE remote = ? AND key = ?').run(remoteUrl, key);
  })();
}

/** An interrupted download whose partial file can be resumed. */
export interface PartialDownloadRow {
  readonly key: string;
  readonly path: string;
  readonly etag: string | null;
  readonly size: number;
}

/** The remembered partial download for one key. */
export function getPartialDownload(index: IndexDb, remoteUrl: string, key: string): PartialDownloadRow | undefined {
  return index.db.prepare<[string, string], PartialDownloadRow>('SELECT key, path, etag, size FROM partial_downloads WHERE remote = ? AND key = ?').get(remoteUrl, key);
}

/** Every remembered partial download of one remote, by key: one query for a whole fetch instead of one per object. */
export function listPartialDownloads(index: IndexDb, remoteUrl: string): Map<string, PartialDownloadRow> {
  const rows = index.db.prepare<[string], PartialDownloadRow>('SELECT key, path, etag, size FROM partial_downloads WHERE remote = ?').all(remoteUrl);
  return new Map(rows.map((r) => [r.key, r]));
}

/** Remembers where a download is being written and which version (etag) of the object it is. */
export function putPartialDownload(index: IndexDb, remoteUrl: string, row: PartialDownloadRow): void {
  index.db.prepare('INSERT OR REPLACE INTO partial_downloads (remote, key, path, etag, size, started_at) VALUES (?, ?, ?, ?, ?, ?)').run(remoteUrl, row.key, row.path, row.etag, row.size, Date.now());
}

/** Forgets a partial download (finished, or its file is unusable). */
export function removePartialDownload(index: IndexDb, remoteUrl: string, key: string): void {
  index.db.prepare('DELETE FROM partial_downloads WHERE remote = ? AND key = ?').run(remoteUrl, key);
}
