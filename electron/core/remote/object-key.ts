import type { HashName } from '../hash/hash-pool.ts';

/**
 * The key of an object relative to a remote's root (dvc-format.md §6.1): 3.x objects (`hash: md5`) live
 * under `files/md5/<oid[0:2]>/<oid[2:]>`, legacy (md5-dos2unix) objects directly at `<oid[0:2]>/<oid[2:]>`.
 */
export function objectKey(oid: string, hashName: HashName): string {
  const rel = `${oid.slice(0, 2)}/${oid.slice(2)}`;
  return hashName === 'md5' ? `files/md5/${rel}` : rel;
}

/** The prefix every object of one layout is stored under ('' for the legacy layout at the root). */
export function layoutPrefix(hashName: HashName): string {
  return hashName === 'md5' ? 'files/md5/' : '';
}

const OID_RE = /^[0-9a-f]{32}(\.dir)?$/;

/** Turns a listed relative key back into an oid of the given layout, or null for anything else (e.g. `runs/`). */
export function oidFromKey(key: string, hashName: HashName): string | null {
  const prefix = layoutPrefix(hashName);
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  if (rest.length < 4 || rest[2] !== '/') return null;
  const oid = rest.slice(0, 2) + rest.slice(3);
  return OID_RE.test(oid) ? oid : null;
}

/** The md5 the bytes of an object must hash to: the oid without a `.dir` suffix. */
export function expectedMd5(oid: string): string {
  return oid.endsWith('.dir') ? oid.slice(0, -4) : oid;
}
