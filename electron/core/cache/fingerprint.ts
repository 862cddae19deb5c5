import { createHash } from 'node:crypto';
import { readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HashName } from '../hash/hash-pool.ts';
import type { ObjectStore } from './odb.ts';

/**
 * A folder changed this recently may change again within the same filesystem timestamp tick without its
 * mtime moving (the "racy clean" problem git also has), so a fingerprint that recent is not trusted.
 */
const RACY_MS = 2000n;

/** The identity of a cache layout's current set of objects, as far as folder metadata can tell. */
export interface CacheFingerprint {
  /** The cache root with symlinks resolved: marks are never shared between two caches. */
  readonly root: string;
  /** Digest of the layout folder and every `xx/` folder: device, inode, mtime and ctime (ns). */
  readonly key: string;
  /** False when some folder changed within the last {@link RACY_MS} ms: do not record marks against it. */
  readonly stable: boolean;
}

/**
 * Fingerprints a cache layout (`files/md5/` or the legacy root) by the metadata of its object folders. Adding,
 * removing, renaming (quarantine) or replacing an object in `xx/` updates that folder's mtime and ctime, so an
 * unchanged fingerprint means no object appeared or disappeared: a few hundred stats instead of listing
 * 100,000 objects. Returns undefined when the layout folder does not exist.
 */
export function cacheFingerprint(odb: ObjectStore, hashName: HashName): CacheFingerprint | undefined {
  const dir = odb.layoutDir(hashName);
  let root: string;
  let names: string[];
  try {
    root = realpathSync(odb.root);
    names = readdirSync(dir).filter((n) => /^[0-9a-f]{2}$/.test(n)).sort();
  } catch {
    return undefined;
  }
  const h = createHash('sha256');
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  let stable = true;
  for (const name of ['', ...names]) {
    let st;
    try {
      st = statSync(path.join(dir, name), { bigint: true });
    } catch {
      return undefined; // removed while we looked: changing right now, nothing to trust
    }
    if (nowNs - st.mtimeNs < RACY_MS * 1_000_000n || nowNs - st.ctimeNs < RACY_MS * 1_000_000n) stable = false;
    h.update(`${name}\0${st.dev}\0${st.ino}\0${st.mtimeNs}\0${st.ctimeNs}\n`);
  }
  return { root, key: h.digest('hex'), stable };
}
