import type { HashName } from '../hash/hash-pool.ts';
import type { IndexDb } from './db.ts';

/**
 * True when `dirOid` was verified complete (the manifest and every entry present) in the cache at `cacheRoot`
 * while the cache had exactly `fingerprint` (see `cache/fingerprint.ts`). A mark recorded for another cache
 * root, or under another fingerprint, does not count.
 */
export function isMarkedComplete(index: IndexDb, cacheRoot: string, hashName: HashName, dirOid: string, fingerprint: string): boolean {
  const fp = index.db
    .prepare<[string, string, string], string>('SELECT fingerprint FROM cache_complete WHERE cache_root = ? AND hash_name = ? AND dir_oid = ?')
    .pluck()
    .get(cacheRoot, hashName, dirOid);
  return fp === fingerprint;
}

/** Records that `dirOid` is complete in the cache at `cacheRoot` under `fingerprint`. */
export function markComplete(index: IndexDb, cacheRoot: string, hashName: HashName, dirOid: string, fingerprint: string): void {
  index.db
    .prepare('INSERT OR REPLACE INTO cache_complete (cache_root, hash_name, dir_oid, fingerprint, verified_at) VALUES (?, ?, ?, ?, ?)')
    .run(cacheRoot, hashName, dirOid, fingerprint, Date.now());
}

