import { isLockstepError } from '../errors/index.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { resolveRemoteName } from '../remote/open-remote.ts';
import type { ObjectRef } from '../remote/types.ts';
import type { ObjectGroup } from '../remote/upload-objects.ts';
import type { Repo } from '../repo/open-repo.ts';
import { collectOutputs, type TrackedOutput } from '../repo/outputs.ts';
import { selectOutputs } from './targets.ts';

/** Options push, fetch and pull share: what to transfer, where, and how many objects at once. */
export interface TransferOptions extends RunOptions {
  /** Outputs, folders or pointer files (default: all). */
  readonly targets?: readonly string[];
  readonly cwd?: string;
  /** Remote name (`-r`); default: each output's `remote:` or `core.remote`. */
  readonly remote?: string;
  /** Objects transferred at once (`-j`); default: the remote's `jobs` or 4 per core (DVC's default). */
  readonly jobs?: number;
}

/** The outputs a transfer command works on, grouped by the remote they go to. */
export interface TransferSelection {
  /** Remote name (lower case) or '' for "the default remote". */
  readonly byRemote: Map<string, TrackedOutput[]>;
}

/**
 * Picks the outputs `targets` name that have data to move: cached outputs with a hash, and for pushes only
 * those with `push: true` (DVC treats `push: false` as read-only on the remote). An explicit `-r` sends
 * everything there; otherwise an output's own `remote:` field wins over the default.
 */
export async function selectForTransfer(repo: Repo, opts: { targets?: readonly string[]; cwd?: string; remote?: string; forPush: boolean; signal?: AbortSignal }): Promise<TransferSelection> {
  // An explicit -r must name a real remote even when there is nothing to transfer.
  if (opts.remote !== undefined) resolveRemoteName(repo.config, opts.remote);
  const all = await collectOutputs(repo, { signal: opts.signal });
  const picked = selectOutputs(repo.root, all, opts.targets, opts.cwd ?? repo.root);
  const byRemote = new Map<string, TrackedOutput[]>();
  for (const t of picked) {
    if (!t.output.cache || t.output.md5 === null) continue;
    if (opts.forPush && !t.output.push) continue;
    const name = (opts.remote ?? t.output.remote ?? '').toLowerCase();
    let list = byRemote.get(name);
    if (!list) byRemote.set(name, (list = []));
    list.push(t);
  }
  return { byRemote };
}

/**
 * Object groups for outputs whose `.dir` manifests are in the local cache: one group per directory (its
 * `.dir` plus entries), loose files together. A manifest missing locally is returned in `missingDirs` so
 * the caller can fetch it (fetch) or report it (push).
 */
export async function groupsFor(repo: Repo, outputs: readonly TrackedOutput[]): Promise<{ groups: ObjectGroup[]; missingDirs: ObjectRef[] }> {
  const groups: ObjectGroup[] = [];
  const loose: ObjectRef[] = [];
  const missingDirs: ObjectRef[] = [];
  const seenDirs = new Set<string>();
  for (const t of outputs) {
    const md5 = t.output.md5 as string;
    if (!md5.endsWith('.dir')) {
      loose.push({ oid: md5, hashName: t.output.hashName, size: t.output.size });
      continue;
    }
    if (seenDirs.has(`${t.output.hashName}:${md5}`)) continue;
    seenDirs.add(`${t.output.hashName}:${md5}`);
    const dir: ObjectRef = { oid: md5, hashName: t.output.hashName };
    try {
      const entries = await repo.odb.readManifest(md5, t.output.hashName);
      groups.push({ dir, files: entries.map((e) => ({ oid: e.md5, hashName: t.output.hashName, size: e.size })) });
    } catch (err) {
      if (!isLockstepError(err, 'MISSING_OBJECT')) throw err;
      missingDirs.push(dir);
    }
  }
  if (loose.length > 0) groups.push({ files: loose });
  return { groups, missingDirs };
}
