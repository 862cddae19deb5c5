import type { ObjectStore } from '../cache/odb.ts';
import type { CacheFingerprint } from '../cache/fingerprint.ts';
import { cacheFingerprint } from '../cache/fingerprint.ts';
import type { HashName } from '../hash/hash-pool.ts';
import type { IndexDb } from '../index/db.ts';
import { isMarkedComplete, markComplete } from '../index/cache-complete.ts';
import { missingObjects } from './cache-presence.ts';

/**
 * True when `dirOid` carries a completeness mark for this cache and the cache has not changed since: every
 * object of that version is still there. Costs a few hundred folder stats.
 */
export function isKnownComplete(odb: ObjectStore, index: IndexDb, dirOid: string, hashName: HashName): boolean {
  const fp = cacheFingerprint(odb, hashName);
  return fp !== undefined && isMarkedComplete(index, fp.root, hashName, dirOid, fp.key);
}

/**
 * Counts the objects of a `.dir` version missing from the cache, using the completeness mark when the cache
 * has not changed since the version was last found complete: then no listing of the cache and no manifest
 * read is needed. `entryOids` is asked only when the cache must really be looked at. A complete result is
 * marked only when the cache's fingerprint was stable and unchanged across the whole check.
 */
export async function missingDirObjects(
  odb: ObjectStore,
  index: IndexDb,
  dirOid: string,
  hashName: HashName,
  entryOids: () => Promise<readonly string[]>,
): Promise<number> {
  const before = cacheFingerprint(odb, hashName);
  if (before && isMarkedComplete(index, before.root, hashName, dirOid, before.key)) return 0;
  const missing = await missingObjects(odb, [dirOid, ...(await entryOids())], hashName);
  if (missing.length === 0) markIfUnchanged(odb, index, dirOid, hashName, before);
  return missing.length;
}

/**
 * Marks `dirOid` complete, found whole while the cache had fingerprint `before`, only if that fingerprint was
 * stable and the cache still has it (`now`, taken here unless the caller took it for several versions).
 */
export function markIfUnchanged(odb: ObjectStore, index: IndexDb, dirOid: string, hashName: HashName, before: CacheFingerprint | undefined, now = cacheFingerprint(odb, hashName)): void {
  if (before?.stable && sameFingerprint(before, now)) markComplete(index, before.root, hashName, dirOid, before.key);
}

function sameFingerprint(a: CacheFingerprint, b: CacheFingerprint | undefined): boolean {
  return b !== undefined && a.root === b.root && a.key === b.key;
}
