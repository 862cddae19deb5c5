import { statSync } from 'node:fs';
import { cacheFingerprint, type CacheFingerprint } from '../cache/fingerprint.ts';
import { OBJECT_MODE } from '../cache/odb.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { isMarkedComplete } from '../index/cache-complete.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { queryRemote } from '../remote/existence.ts';
import { objectKey } from '../remote/object-key.ts';
import { openRemote } from '../remote/open-remote.ts';
import { runPool } from '../remote/pool.ts';
import type { ObjectRef } from '../remote/types.ts';
import type { Repo } from '../repo/open-repo.ts';
import { markIfUnchanged } from './cache-complete.ts';
import { groupsFor, selectForTransfer } from './transfer-set.ts';

/** Options for {@link cloudStatus}. */
export interface CloudStatusOptions extends RunOptions {
  readonly targets?: readonly string[];
  readonly cwd?: string;
  readonly remote?: string;
  readonly jobs?: number;
}

/**
 * Where an output's data is: `synced` (every object local and remote), `local-only` (something would be
 * pushed), `remote-only` (something would be fetched), `missing` (some object is in neither place).
 */
export type CloudState = 'synced' | 'local-only' | 'remote-only' | 'missing';

/** One output's cloud status. */
export interface OutputCloudStatus {
  readonly path: string;
  readonly remote: string;
  readonly state: CloudState;
  readonly objects: { both: number; localOnly: number; remoteOnly: number; missing: number };
}

/** Result of {@link cloudStatus}. */
export interface CloudStatusResult {
  readonly outputs: OutputCloudStatus[];
  /** Object counts over all outputs (an object shared by outputs counts once per output). */
  readonly totals: { both: number; localOnly: number; remoteOnly: number; missing: number };
  readonly clean: boolean;
}

/**
 * Which objects the cache holds. A synchronous stat per object is the fast path (thousands of async stats
 * cost more in thread-pool hand-offs than in syscalls); only objects that are not 0444 go through the
 * ObjectStore's full check, which re-hashes them.
 */
async function presentLocally(repo: Repo, refs: Map<string, ObjectRef>, known: ReadonlySet<string>, signal?: AbortSignal): Promise<Set<string>> {
  const local = new Set<string>(known);
  const unsure: [string, ObjectRef][] = [];
  for (const [k, r] of refs) {
    if (known.has(k)) continue;
    const st = statSync(repo.odb.pathFor(r.oid, r.hashName), { throwIfNoEntry: false });
    if (st === undefined || !st.isFile()) continue;
    if ((st.mode & 0o777) === OBJECT_MODE) local.add(k);
    else unsure.push([k, r]);
  }
  await runPool(unsure, 8, async ([k, r]) => {
    if (await repo.odb.has(r.oid, r.hashName)) local.add(k);
  }, { signal });
  return local;
}

type Group = Awaited<ReturnType<typeof groupsFor>>['groups'][number];

function groupKeys(g: Group): string[] {
  return [...(g.dir ? [g.dir] : []), ...g.files].map((r) => objectKey(r.oid, r.hashName));
}

/** The cache's fingerprint per hash layout the groups' folders use, taken once. */
function fingerprints(repo: Repo, groups: readonly Group[]): Map<HashName, CacheFingerprint | undefined> {
  const names = new Set(groups.flatMap((g) => (g.dir ? [g.dir.hashName] : [])));
  return new Map([...names].map((h) => [h, cacheFingerprint(repo.odb, h)] as const));
}

/**
 * Folder versions found whole in the cache, marked as plain `status` marks them (ops/cache-complete.ts): a mark
 * holds while the cache's folders are unchanged, so a repeated `status --cloud` of a large dataset costs a few
 * hundred folder stats instead of a stat per object. Returns the keys of every object of the marked versions.
 */
function knownLocal(repo: Repo, groups: readonly Group[], fps: Map<HashName, CacheFingerprint | undefined>): Set<string> {
  const known = new Set<string>();
  for (const g of groups) {
    const fp = g.dir ? fps.get(g.dir.hashName) : undefined;
    if (g.dir && fp && isMarkedComplete(repo.index, fp.root, g.dir.hashName, g.dir.oid, fp.key)) for (const k of groupKeys(g)) known.add(k);
  }
  return known;
}

/** Marks the folder versions that `local` holds whole, if the cache did not change while it was looked at. */
function markWhole(repo: Repo, groups: readonly Group[], local: ReadonlySet<string>, before: Map<HashName, CacheFingerprint | undefined>): void {
  const after = fingerprints(repo, groups);
  for (const g of groups) {
    if (!g.dir || !groupKeys(g).every((k) => local.has(k))) continue;
    markIfUnchanged(repo.odb, repo.index, g.dir.oid, g.dir.hashName, before.get(g.dir.hashName), after.get(g.dir.hashName));
  }
}

/**
 * `lockstep status --cloud`: compares the cache with the remote for the selected outputs. Asks the remote
 * only about objects the index does not already know to be there (one HEAD re-checks each remembered `.dir`),
 * so a repeated status of an unchanged, pushed dataset costs one request. A `.dir` on the remote vouches for
 * its entries, as in DVC. Read-only: takes no lock and changes nothing but the index's remote cache and
 * completeness marks.
 */
export async function cloudStatus(repo: Repo, options: CloudStatusOptions = {}): Promise<CloudStatusResult> {
  const { targets, cwd, remote: remoteName, jobs, signal, onProgress } = options;
  const sel = await selectForTransfer(repo, { targets, cwd, remote: remoteName, forPush: false, signal });
  const outputs: OutputCloudStatus[] = [];
  for (const [name, tracked] of sel.byRemote) {
    const opened = await openRemote(repo.config, repo.dvcDir, name === '' ? undefined : name);
    try {
      const q = { index: repo.index, jobs: jobs ?? opened.jobs, signal, onProgress };
      const perOutput = await Promise.all(tracked.map(async (t) => ({ t, ...(await groupsFor(repo, [t])) })));
      const dirs = perOutput.flatMap((o) => [...o.groups.flatMap((g) => (g.dir ? [g.dir] : [])), ...o.missingDirs]);
      const onRemote = await queryRemote(opened.remote, dirs, q);
      const rest = new Map<string, ObjectRef>();
      for (const o of perOutput) {
        for (const g of o.groups) {
          if (g.dir && onRemote.has(objectKey(g.dir.oid, g.dir.hashName))) continue;
          for (const f of g.files) rest.set(objectKey(f.oid, f.hashName), f);
        }
      }
      for (const k of await queryRemote(opened.remote, [...rest.values()], q)) onRemote.add(k);
      const all = new Map<string, ObjectRef>();
      for (const o of perOutput) {
        for (const r of [...o.missingDirs, ...o.groups.flatMap((g) => (g.dir ? [g.dir, ...g.files] : [...g.files]))]) all.set(objectKey(r.oid, r.hashName), r);
      }
      const groups = perOutput.flatMap((o) => o.groups);
      const before = fingerprints(repo, groups);
      const known = knownLocal(repo, groups, before);
      const local = await presentLocally(repo, all, known, signal);
      const unmarked = groups.filter((g) => g.dir && !known.has(objectKey(g.dir.oid, g.dir.hashName)));
      if (unmarked.length > 0) markWhole(repo, unmarked, local, before);
      for (const o of perOutput) {
        const counts = { both: 0, localOnly: 0, remoteOnly: 0, missing: 0 };
        const vouched = new Set<string>();
        for (const g of o.groups) if (g.dir && onRemote.has(objectKey(g.dir.oid, g.dir.hashName))) for (const f of g.files) vouched.add(objectKey(f.oid, f.hashName));
        const refs = [...o.missingDirs, ...o.groups.flatMap((g) => (g.dir ? [g.dir, ...g.files] : [...g.files]))];
        for (const r of refs) {
          const k = objectKey(r.oid, r.hashName);
          const inRemote = onRemote.has(k) || vouched.has(k);
          const inLocal = local.has(k);
          if (inLocal && inRemote) counts.both++;
          else if (inLocal) counts.localOnly++;
          else if (inRemote) counts.remoteOnly++;
          else counts.missing++;
        }
        const state: CloudState = counts.missing > 0 ? 'missing' : counts.localOnly > 0 ? 'local-only' : counts.remoteOnly > 0 ? 'remote-only' : 'synced';
        outputs.push({ path: o.t.relPath, remote: opened.remote.name, state, objects: counts });
      }
    } finally {
      opened.remote.close();
    }
  }
  outputs.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const totals = { both: 0, localOnly: 0, remoteOnly: 0, missing: 0 };
  for (const o of outputs) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += o.objects[k];
  return { outputs, totals, clean: outputs.every((o) => o.state === 'synced') };
}
