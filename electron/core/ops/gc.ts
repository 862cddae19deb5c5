import { stat } from 'node:fs/promises';
import type { HashName } from '../hash/hash-pool.ts';
import { listAllCommits, listBranchRefs, listTagRefs } from '../git/refs.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { throttleProgress } from '../jobs/progress.ts';
import { withRepoLock } from '../repo/lock.ts';
import type { Repo } from '../repo/open-repo.ts';
import { collectOutputs } from '../repo/outputs.ts';
import { emptyUsed, markCommits, markWorkspace } from './gc-used.ts';

/** Options for {@link gc}. The workspace is always in scope. */
export interface GcOptions extends RunOptions {
  /** Keep what the tip of every branch uses. */
  readonly allBranches?: boolean;
  /** Keep what every tag uses. */
  readonly allTags?: boolean;
  /** Keep what any commit reachable from a branch, tag or HEAD uses. */
  readonly allCommits?: boolean;
  /** Actually delete. Without it gc only reports what it would free (dry run). */
  readonly force?: boolean;
  readonly lockWaitMs?: number;
}

/** One unused cache object. */
export interface GcObject {
  readonly oid: string;
  readonly hashName: HashName;
  readonly size: number;
}

/** Result of {@link gc}. */
export interface GcResult {
  readonly dryRun: boolean;
  readonly scopes: string[];
  /** Unused objects: deleted (force) or that would be deleted (dry run). */
  readonly objects: GcObject[];
  readonly count: number;
  readonly bytes: number;
  /** Objects kept because a scope uses them. */
  readonly kept: number;
  /** `.dir` objects referenced but missing locally: their files could not be protected by name. */
  readonly unknownDirs: string[];
}

/**
 * `lockstep gc`: finds cache objects no scope uses (workspace always; plus branch tips, tags or all
 * commits), counting the files listed in used `.dir` manifests as used and keeping the 3.x and legacy
 * layouts apart. Dry run by default; `force` deletes, `.dir` objects first so a manifest never
 * outlives its files. Runs under the repo lock so an `add` cannot race it.
 */
export async function gc(repo: Repo, options: GcOptions = {}): Promise<GcResult> {
  const { allBranches = false, allTags = false, allCommits = false, force = false, lockWaitMs, signal, onProgress } = options;
  const scopes = ['workspace', ...(allBranches ? ['branches'] : []), ...(allTags ? ['tags'] : []), ...(allCommits ? ['commits'] : [])];
  return withRepoLock(repo, `gc${force ? ' --force' : ''}`, async () => {
    const progress = throttleProgress(onProgress);
    const used = emptyUsed();
    const seenDirs = new Set<string>();
    await markWorkspace(used, repo.odb, await collectOutputs(repo, { signal }), seenDirs);
    const commits = new Set<string>();
    if (allCommits) for (const c of await listAllCommits(repo.gitDir, { signal })) commits.add(c);
    if (allBranches) for (const r of await listBranchRefs(repo.gitDir)) commits.add(r.oid);
    if (allTags) for (const r of await listTagRefs(repo.gitDir)) commits.add(r.oid);
    const list = [...commits];
    await markCommits(used, repo.odb, repo.gitDir, list, {
      signal,
      seenDirs,
      onCommit: (n) => progress({ phase: 'gc', loaded: n, total: list.length, unit: 'files', message: 'commits read' }),
    });

    const unused: GcObject[] = [];
    let kept = 0;
    for (const hashName of ['md5', 'md5-dos2unix'] as const) {
      for await (const oid of repo.odb.list(hashName)) {
        throwIfAborted(signal);
        if (used[hashName].has(oid)) {
          kept++;
          continue;
        }
        const size = await stat(repo.odb.pathFor(oid, hashName)).then((s) => s.size, () => 0);
        unused.push({ oid, hashName, size });
      }
    }
    // Manifests go first: a `.dir` must never be left pointing at files already deleted.
    unused.sort((a, b) => Number(b.oid.endsWith('.dir')) - Number(a.oid.endsWith('.dir')));
    if (force) {
      let n = 0;
      for (const o of unused) {
        throwIfAborted(signal);
        await repo.odb.remove(o.oid, o.hashName);
        progress({ phase: 'gc', loaded: ++n, total: unused.length, unit: 'objects', message: 'removed' });
      }
    }
    return {
      dryRun: !force,
      scopes,
      objects: unused,
      count: unused.length,
      bytes: unused.reduce((s, o) => s + o.size, 0),
      kept,
      unknownDirs: [...used.unknownDirs].sort(),
    };
  }, { waitMs: lockWaitMs, signal });
}
