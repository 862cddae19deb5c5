import type { HashName } from '../hash/hash-pool.ts';
import type { IndexDb } from './db.ts';

/** A tracked folder's listing when it last hashed to `dirOid` from valid hash-state entries alone. */
export interface OutputSnapshot {
  /** Absolute native path of the folder. */
  readonly path: string;
  readonly hashName: HashName;
  /** Digest of the (relpath, inode, mtime ns, size) listing; see `ops/listing-digest.ts`. */
  readonly digest: string;
  readonly dirOid: string;
  readonly nfiles: number;
  readonly size: number;
}

interface Row {
  digest: string;
  dir_oid: string;
  nfiles: number;
  size: number;
}

/** The snapshot remembered for a folder, or undefined. */
export function getSnapshot(index: IndexDb, path: string, hashName: HashName): OutputSnapshot | undefined {
  const row = index.db
    .prepare<[string, string], Row>('SELECT digest, dir_oid, nfiles, size FROM output_snapshots WHERE path = ? AND hash_name = ?')
    .get(path, hashName);
  return row ? { path, hashName, digest: row.digest, dirOid: row.dir_oid, nfiles: row.nfiles, size: row.size } : undefined;
}

/** Remembers (replacing) a folder's snapshot. */
export function putSnapshot(index: IndexDb, s: OutputSnapshot): void {
  index.db
    .prepare('INSERT OR REPLACE INTO output_snapshots (path, hash_name, digest, dir_oid, nfiles, size, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(s.path, s.hashName, s.digest, s.dirOid, s.nfiles, s.size, Date.now());
}

/** The most files any remembered folder snapshot holds (0 without snapshots): how large a status walk may get. */
export function largestSnapshot(index: IndexDb): number {
  return (index.db.prepare('SELECT max(nfiles) FROM output_snapshots').pluck().get() as number | null) ?? 0;
}
