import type { HashName } from '../hash/hash-pool.ts';
import type { IndexDb } from '../index/db.ts';
import { forgetRemoteKeys, knownRemoteKeys, rememberRemoteKeys } from '../index/remote-objects.ts';
import type { ProgressFn } from '../jobs/progress.ts';
import { layoutPrefix, objectKey, oidFromKey } from './object-key.ts';
import { runPool } from './pool.ts';
import type { ObjectRef, Remote } from './types.ts';

/** Options for an existence query. */
export interface QueryOptions {
  /** Remembered objects are trusted (after the `.dir` check below) and new findings remembered. */
  readonly index?: IndexDb;
  readonly jobs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressFn;
}

/** Numbers behind the list-or-HEAD decision, exposed for tests and `--verbose` output. */
export interface QueryStats {
  fromIndex: number;
  heads: number;
  listings: number;
}

// DVC's constants (dvc-format.md §6.3): listing pages hold 1000 keys; a remote's size is estimated from one
// 3-hex-digit prefix, i.e. 1/4096 of the key space.
const LIST_PAGE = 1000;
const PREFIX_SPACE = 4096;

/**
 * Which of `refs` are present on the remote, as the set of their keys. Order of evidence:
 * 1. The index: remembered keys are trusted, but remembered `.dir` keys among them are re-checked with a HEAD
 *    first; if one is gone the remote was cleaned behind our back and everything remembered is dropped.
 * 2. The remote: object stores follow DVC's heuristic (one HEAD per key for small queries, else list
 *    everything, per prefix when the remote is large); folder remotes check each object (0444 rule).
 * Keys found present are remembered.
 */
export async function queryRemote(remote: Remote, refs: readonly ObjectRef[], opts: QueryOptions, stats: QueryStats = { fromIndex: 0, heads: 0, listings: 0 }): Promise<Set<string>> {
  const byKey = new Map<string, ObjectRef>();
  for (const r of refs) byKey.set(objectKey(r.oid, r.hashName), r);
  const keys = [...byKey.keys()];
  const present = new Set<string>();
  if (opts.index) {
    const known = knownRemoteKeys(opts.index, remote.url, keys);
    const dirs = [...known].filter((k) => k.endsWith('.dir'));
    let stale = false;
    await runPool(dirs, opts.jobs, async (k) => {
      stats.heads++;
      if (!stale && !(await remote.exists(k, byKey.get(k) as ObjectRef, opts.signal))) stale = true;
    }, { signal: opts.signal });
    if (stale) forgetRemoteKeys(opts.index, remote.url);
    else for (const k of known) present.add(k);
    stats.fromIndex = present.size;
  }
  const unknown = keys.filter((k) => !present.has(k));
  const found = new Set<string>();
  let checked = 0;
  const tick = (): void => opts.onProgress?.({ phase: 'query', loaded: checked, total: unknown.length, unit: 'objects' });
  const headEach = async (list: readonly string[]): Promise<void> => {
    await runPool(list, opts.jobs, async (k) => {
      stats.heads++;
      if (await remote.exists(k, byKey.get(k) as ObjectRef, opts.signal)) found.add(k);
      checked++;
      tick();
    }, { signal: opts.signal });
  };
  if (!remote.canList || unknown.length <= 1) {
    await headEach(unknown);
  } else {
    for (const hashName of ['md5', 'md5-dos2unix'] as const) {
      const mine = unknown.filter((k) => (byKey.get(k) as ObjectRef).hashName === hashName);
      if (mine.length === 0) continue;
      await queryByListing(remote, hashName, mine, found, headEach, opts, stats);
      checked += mine.length;
      tick();
    }
  }
  for (const k of found) present.add(k);
  if (opts.index && found.size > 0) rememberRemoteKeys(opts.index, remote.url, found);
  return present;
}

async function queryByListing(
  remote: Remote, hashName: HashName, keys: readonly string[], found: Set<string>,
  headEach: (list: readonly string[]) => Promise<void>, opts: QueryOptions, stats: QueryStats,
): Promise<void> {
  const wanted = new Set(keys);
  const base = layoutPrefix(hashName);
  const collect = async (prefix: string): Promise<number> => {
    stats.listings++;
    let n = 0;
    for await (const k of remote.list(prefix, opts.signal)) {
      if (oidFromKey(k, hashName) === null) continue;
      n++;
      if (wanted.has(k)) found.add(k);
    }
    return n;
  };
  const sample = await collect(`${base}00/0`);
  const size = sample === 0 ? PREFIX_SPACE : sample * PREFIX_SPACE;
  const pages = size / LIST_PAGE;
  const weight = size > 500_000 ? pages * 5 : pages;
  if (keys.length < weight) {
    await headEach(keys.filter((k) => !found.has(k) && !k.startsWith(`${base}00/0`)));
    return;
  }
  if (pages < 256 / opts.jobs) {
    await collect(base);
    return;
  }
  // Large remote: one listing per leading byte, the `00` byte split further since `000` was listed above.
  const prefixes: string[] = [];
  for (let i = 1; i < 256; i++) prefixes.push(`${base}${i.toString(16).padStart(2, '0')}/`);
  for (let i = 1; i < 16; i++) prefixes.push(`${base}00/${i.toString(16)}`);
  await runPool(prefixes, opts.jobs, async (p) => {
    await collect(p);
  }, { signal: opts.signal });
}

/** Records objects as present after a successful upload (or any other proof). */
export function rememberPresent(index: IndexDb | undefined, remote: Remote, refs: Iterable<ObjectRef>): void {
  if (!index) return;
  const keys: string[] = [];
  for (const r of refs) keys.push(objectKey(r.oid, r.hashName));
  rememberRemoteKeys(index, remote.url, keys);
}
