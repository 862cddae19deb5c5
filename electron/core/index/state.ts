import type { Statement } from 'better-sqlite3';
import type { HashName } from '../hash/hash-pool.ts';
import type { IndexDb } from './db.ts';

/** What identifies one version of a file on disk: if any of inode, mtime or size changed, the hash is stale. */
export interface StateKey {
  /** Absolute native path. */
  readonly path: string;
  readonly inode: bigint;
  readonly mtimeNs: bigint;
  readonly size: number;
  readonly hashName: HashName;
}

/** A hash to remember for a file version. */
export interface StateRow extends StateKey {
  readonly md5: string;
}

/** Bound parameters per chunked lookup; well under SQLite's 32766 limit, big enough to amortise the query. */
const CHUNK = 500;

interface Hit {
  path: string;
  inode: string;
  mtime_ns: string;
  size: number;
  md5: string;
}

// Prepared statements are cached per connection: preparing a 500-placeholder query is not free.
const lookupCache = new WeakMap<IndexDb['db'], Map<number, Statement<unknown[], Hit>>>();

function lookup(db: IndexDb['db'], n: number): Statement<unknown[], Hit> {
  let byN = lookupCache.get(db);
  if (!byN) lookupCache.set(db, (byN = new Map()));
  let stmt = byN.get(n);
  if (!stmt) {
    stmt = db.prepare<unknown[], Hit>(`SELECT path, inode, mtime_ns, size, md5 FROM hash_state WHERE hash_name = ? AND path IN (${new Array<string>(n).fill('?').join(',')})`);
    byN.set(n, stmt);
  }
  return stmt;
}

/** Below this many lookups the chunked `IN` path is always used (counting the table would cost more). */
const SCAN_MIN_ENTRIES = 2000;

function matches(e: StateKey | undefined, inode: string, mtimeNs: string, size: number): e is StateKey {
  return e !== undefined && inode === String(e.inode) && mtimeNs === String(e.mtimeNs) && size === e.size;
}

/**
 * Looks up remembered hashes for many files at once and returns `path -> md5` for the entries whose stored
 * inode, mtime and size all still match (a miss is simply absent). Runs in one read transaction. When the
 * request covers a large share of the table (a status of the whole repo), one sequential scan is about three
 * times faster than keyed lookups; otherwise chunked `IN` queries touch only the requested rows.
 */
export function getHashes(index: IndexDb, entries: readonly StateKey[]): Map<string, string> {
  const hits = new Map<string, string>();
  if (entries.length === 0) return hits;
  const byName = new Map<HashName, Map<string, StateKey>>();
  for (const e of entries) {
    let m = byName.get(e.hashName);
    if (!m) byName.set(e.hashName, (m = new Map()));
    m.set(e.path, e);
  }
  const { db } = index;
  db.transaction(() => {
    const rowCount = entries.length >= SCAN_MIN_ENTRIES ? (db.prepare('SELECT count(*) FROM hash_state').pluck().get() as number) : Infinity;
    for (const [hashName, wanted] of byName) {
      if (wanted.size * 3 >= rowCount) {
        const scan = db.prepare<[string], [string, string, string, number, string]>('SELECT path, inode, mtime_ns, size, md5 FROM hash_state WHERE hash_name = ?').raw();
        // all() rather than iterate(): one native call instead of one per row, about 3x faster for 100k rows.
        for (const [p, inode, mtimeNs, size, md5] of scan.all(hashName)) {
          if (matches(wanted.get(p), inode, mtimeNs, size)) hits.set(p, md5);
        }
        continue;
      }
      const paths = [...wanted.keys()];
      for (let i = 0; i < paths.length; i += CHUNK) {
        const part = paths.slice(i, i + CHUNK);
        for (const row of lookup(db, part.length).all(hashName, ...part)) {
          if (matches(wanted.get(row.path), row.inode, row.mtime_ns, row.size)) hits.set(row.path, row.md5);
        }
      }
    }
  }).deferred();
  return hits;
}

/** Remembers hashes for many files in one transaction, replacing older entries for the same path and hash name. */
export function putHashes(index: IndexDb, rows: readonly StateRow[]): void {
  if (rows.length === 0) return;
  const upsert = index.db.prepare(
    'INSERT OR REPLACE INTO hash_state (path, hash_name, inode, mtime_ns, size, md5, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const now = Date.now();
  index.db.transaction(() => {
    for (const r of rows) upsert.run(r.path, r.hashName, String(r.inode), String(r.mtimeNs), r.size, r.md5, now);
  }).immediate();
}

/** Forgets the remembered hashes of the given absolute paths (all hash names), e.g. after a file is removed. */
export function deleteHashes(index: IndexDb, paths: readonly string[]): void {
  if (paths.length === 0) return;
  const del = index.db.prepare('DELETE FROM hash_state WHERE path = ?');
  index.db.transaction(() => {
    for (const p of paths) del.run(p);
  }).immediate();
}
