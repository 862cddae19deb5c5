import { statSync } from 'node:fs';
import { OBJECT_MODE } from '../cache/odb.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { queryRemote } from '../remote/existence.ts';
import { objectKey } from '../remote/object-key.ts';
import { openRemote } from '../remote/open-remote.ts';
import { runPool } from '../remote/pool.ts';
import type { ObjectRef } from '../remote/types.ts';
import type { Repo } from '../repo/open-repo.ts';
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
async function presentLocally(repo: Repo, refs: Map<string, ObjectRef>, signal?: AbortSignal): Promise<Set<string>> {
  const local = new Set<string>();
  const unsure: [string, ObjectRef][] = [];
  for (const [k, r] of refs) {
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

/**
 * `lockstep status --cloud`: compares the cache with the remote for the selected outputs. Asks the remote
 * only about objects the index does not already know to be there (one HEAD re-checks each remembered `.dir`),
 * so a repeated status of an unchanged, pushed dataset costs one request. A `.dir` on the remote vouches for
 * its entries, as in DVC. Read-only: takes no lock and changes nothing but the index's remote cache.
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
      const local = await presentLocally(repo, all, signal);
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
