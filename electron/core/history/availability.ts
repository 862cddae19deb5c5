import { lstat } from 'node:fs/promises';
import type { HashName } from '../hash/hash-pool.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { queryRemote } from '../remote/existence.ts';
import { objectKey } from '../remote/object-key.ts';
import { openRemote } from '../remote/open-remote.ts';
import type { ObjectRef } from '../remote/types.ts';
import type { Repo } from '../repo/open-repo.ts';
import { dataStateAt } from './commit-state.ts';
import { hasRemote } from './ensure-objects.ts';
import { openHistoryGit } from './history-git.ts';
import { resolveRev } from './resolve-rev.ts';

/** Where an output's bytes can be had: all in the local cache, all on the default remote, or not fully anywhere. */
export type Availability = 'local' | 'remote' | 'missing';

/** Availability of one output at a commit. */
export interface OutputAvailability {
  readonly path: string;
  readonly md5: string;
  readonly availability: Availability;
  /** Objects (files and the `.dir` listing) not in the local cache. */
  readonly missingLocally: number;
  /** Objects neither local nor on the remote (0 when available). */
  readonly missingEverywhere: number;
}

/**
 * For every cached output of `rev`: 'local' when the cache holds the object (and for folders the listing
 * and every file), else 'remote' when the default remote holds what is missing, else 'missing'. A folder
 * whose listing is only on the remote counts as on the remote: DVC uploads a `.dir` only after all its
 * files, so its presence there implies theirs.
 */
export async function availabilityAt(repo: Repo, rev: string, run: RunOptions = {}): Promise<OutputAvailability[]> {
  const git = openHistoryGit(repo);
  let outputs;
  try {
    outputs = [...(await dataStateAt(git, await resolveRev(git, rev))).outputs.values()].filter((o) => o.cache && o.md5);
  } finally {
    git.close();
  }
  const perOutput: { path: string; md5: string; missing: ObjectRef[] }[] = [];
  for (const o of outputs) {
    const hashName: HashName = o.legacy ? 'md5-dos2unix' : 'md5';
    const md5 = o.md5 as string;
    const missing: ObjectRef[] = [];
    if (!(await exists(repo.odb.pathFor(md5, hashName)))) missing.push({ oid: md5, hashName });
    else if (o.isDir) for (const e of await repo.odb.readManifest(md5, hashName)) if (!(await exists(repo.odb.pathFor(e.md5, hashName)))) missing.push({ oid: e.md5, hashName });
    perOutput.push({ path: o.path, md5, missing });
  }
  const all = perOutput.flatMap((p) => p.missing);
  let onRemote = new Set<string>();
  if (all.length > 0 && hasRemote(repo)) {
    const opened = await openRemote(repo.config, repo.dvcDir);
    try {
      onRemote = await queryRemote(opened.remote, all, { index: repo.index, jobs: opened.jobs, signal: run.signal, onProgress: run.onProgress });
    } finally {
      opened.remote.close();
    }
  }
  return perOutput.map((p) => {
    const nowhere = p.missing.filter((r) => !onRemote.has(objectKey(r.oid, r.hashName))).length;
    return { path: p.path, md5: p.md5, availability: p.missing.length === 0 ? 'local' : nowhere === 0 ? 'remote' : 'missing', missingLocally: p.missing.length, missingEverywhere: nowhere };
  });
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}
