import path from 'node:path';
import { downloadObjects, type DownloadResult } from '../remote/download-objects.ts';
import { openRemote } from '../remote/open-remote.ts';
import type { ObjectRef } from '../remote/types.ts';
import type { TransferFailure } from '../remote/upload-objects.ts';
import type { Repo } from '../repo/open-repo.ts';
import type { TrackedOutput } from '../repo/outputs.ts';
import { withRepoLock } from '../repo/lock.ts';
import { transferError } from './push.ts';
import { groupsFor, selectForTransfer, type TransferOptions } from './transfer-set.ts';

/** Options for {@link fetch}. */
export type FetchOptions = TransferOptions;

/** Result of {@link fetch}. */
export interface FetchResult {
  readonly remotes: ({ remote: string } & DownloadResult)[];
  readonly downloaded: number;
  readonly bytes: number;
  readonly alreadyCached: number;
  readonly missingOnRemote: string[];
  readonly failed: TransferFailure[];
}

/** What `pull` plugs into a fetch. */
export interface FetchHooks {
  /**
   * Called per remote with the outputs fetched from it, once their `.dir` manifests are in the cache and
   * before the files: may return a sink for verified bytes.
   */
  readonly afterManifests?: (outputs: readonly TrackedOutput[]) => Promise<((ref: ObjectRef, bytes: Buffer) => void) | undefined>;
}

/** Where partial downloads live: inside the cache root, so a finished object is renamed in, not copied. */
export function partialDir(repo: Repo): string {
  return path.join(repo.cacheDir, '.lockstep-partial');
}

/**
 * Downloads what the selected outputs need into the cache and returns what happened, failures included,
 * without throwing for them (pull checks out what did arrive). Directory manifests missing locally are
 * fetched first (and verified like everything else) so their entries can be listed.
 */
export async function fetchObjects(repo: Repo, options: FetchOptions = {}, hooks: FetchHooks = {}): Promise<FetchResult> {
  const { targets, cwd, remote: remoteName, jobs, signal, onProgress } = options;
  const sel = await selectForTransfer(repo, { targets, cwd, remote: remoteName, forPush: false, signal });
  const remotes: FetchResult['remotes'] = [];
  for (const [name, outputs] of sel.byRemote) {
    const opened = await openRemote(repo.config, repo.dvcDir, name === '' ? undefined : name);
    try {
      const common = { remote: opened.remote, odb: repo.odb, partialDir: partialDir(repo), index: repo.index, jobs: jobs ?? opened.jobs, signal, onProgress };
      const initial = await groupsFor(repo, outputs);
      const { missingDirs } = initial;
      let { groups } = initial;
      let first: DownloadResult | undefined;
      if (missingDirs.length > 0) {
        first = await downloadObjects({ ...common, refs: missingDirs });
        ({ groups } = await groupsFor(repo, outputs));
      }
      const refs: ObjectRef[] = groups.flatMap((g) => (g.dir ? [g.dir, ...g.files] : [...g.files]));
      const res = await downloadObjects({ ...common, refs, onVerified: await hooks.afterManifests?.(outputs) });
      if (first) {
        res.downloaded += first.downloaded;
        res.bytes += first.bytes;
        res.missingOnRemote.push(...first.missingOnRemote);
        res.failed.push(...first.failed);
      }
      remotes.push({ remote: opened.remote.name, ...res });
    } finally {
      opened.remote.close();
    }
  }
  return {
    remotes,
    downloaded: remotes.reduce((s, r) => s + r.downloaded, 0),
    bytes: remotes.reduce((s, r) => s + r.bytes, 0),
    alreadyCached: remotes.reduce((s, r) => s + r.alreadyCached, 0),
    missingOnRemote: remotes.flatMap((r) => r.missingOnRemote),
    failed: remotes.flatMap((r) => r.failed),
  };
}

/**
 * `lockstep fetch`: brings the cache objects of the selected outputs from their remote, only those the
 * cache lacks, each verified by md5 before it enters the cache. Resumes partial downloads. Raises one error
 * listing failures (CORRUPT_OBJECT when every failure was a damaged object) after fetching the rest.
 */
export async function fetch(repo: Repo, options: FetchOptions = {}): Promise<FetchResult> {
  return withRepoLock(repo, `fetch${options.targets?.length ? ` ${options.targets.join(' ')}` : ''}`, async () => {
    const result = await fetchObjects(repo, options);
    if (result.failed.length > 0) throw transferError('fetch', result.failed, result);
    return result;
  });
}
