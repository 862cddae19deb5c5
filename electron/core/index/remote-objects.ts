import type { Statement } from 'better-sqlite3';
import type { IndexDb } from './db.ts';

// Bound parameters per chunked lookup: well below SQLite's limit, large enough to amortise each query.
const CHUNK = 500;

const lookupCache = new WeakMap<IndexDb['db'], Map<number, Statement<unknown[], string>>>();

function lookup(db: IndexDb['db'], n: number): Statement<unknown[], string> {
  let byN = lookupCache.get(db);
  if (!byN) lookupCache.set(db, (byN = new Map()));
  let stmt = byN.get(n);
  if (!stmt) {
    stmt = db.prepare<unknown[], string>(`SELECT key FROM remote_objects WHERE remote = ? AND key IN (${new Array<string>(n).fill('?').join(',')})`).pluck();
    byN.set(n, stmt);
  }
  return stmt;
}

/** Of `keys`, those recorded as present on the remote identified by `remoteUrl`. */
export function knownRemoteKeys(index: IndexDb, remoteUrl: string, keys: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    for (const k of lookup(index.db, chunk.length).all(remoteUrl, ...chunk)) found.add(k);
  }
  return found;
}

/** Records keys as confirmed present on the remote (after an upload, HEAD or listing), in one transaction. */
export function rememberRemoteKeys(index: IndexDb, remoteUrl: string, keys: Iterable<string>): void {
  const ins = index.db.prepare('INSERT OR REPLACE INTO remote_objects (remote, key, confirmed_at) VALUES (?, ?, ?)');
  const now = Date.now();
  index.db.transaction(() => {
    for (const k of keys) ins.run(remoteUrl, k, now);
  })();
}

/**
 * Forgets what is known about a remote: all of it (when a remembered `.dir` turned out missing, the remote
 * was cleaned behind our back and nothing remembered can be trusted), or just the given keys.
 */
export function forgetRemoteKeys(index: IndexDb, remoteUrl: string, keys?: readonly string[]): void {
  if (keys === undefined) {
    index.db.prepare('DELETE FROM remote_objects WHERE remote = ?').run(remoteUrl);
    return;
  }
  const del = index.db.prepare('DELETE FROM remote_objects WHERE remote = ? AND key = ?');
  index.db.transaction(() => {
    for (const k of keys) del.run(remoteUrl, k);
  })();
}
