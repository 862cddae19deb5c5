import { LockstepError } from '../errors/index.ts';
import { openRemote } from '../remote/open-remote.ts';
import { uploadObjects, type TransferFailure, type UploadResult } from '../remote/upload-objects.ts';
import type { Repo } from '../repo/open-repo.ts';
import { withRepoLock } from '../repo/lock.ts';
import { groupsFor, selectForTransfer, type TransferOptions } from './transfer-set.ts';

/** Options for {@link push}. */
export type PushOptions = TransferOptions;

/** Result of {@link push}, per remote and in total. */
export interface PushResult {
  readonly remotes: ({ remote: string } & UploadResult)[];
  readonly uploaded: number;
  readonly bytes: number;
  readonly alreadyPresent: number;
  readonly missingEverywhere: string[];
  readonly failed: TransferFailure[];
}

/**
 * `lockstep push`: uploads the cache objects of the selected outputs that their remote lacks, files first
 * and each `.dir` last (dvc-format.md §6.2). Resumable (multipart state in the index) and verified. Objects
 * that are missing both locally and on the remote are reported, not fatal, as in DVC; transfer failures are
 * collected and raised at the end as one error listing them, after everything else was pushed.
 */
export async function push(repo: Repo, options: PushOptions = {}): Promise<PushResult> {
  const { targets, cwd, remote: remoteName, jobs, signal, onProgress } = options;
  return withRepoLock(repo, `push${targets?.length ? ` ${targets.join(' ')}` : ''}`, async () => {
    const sel = await selectForTransfer(repo, { targets, cwd, remote: remoteName, forPush: true, signal });
    const remotes: PushResult['remotes'] = [];
    for (const [name, outputs] of sel.byRemote) {
      const opened = await openRemote(repo.config, repo.dvcDir, name === '' ? undefined : name);
      try {
        const { groups, missingDirs } = await groupsFor(repo, outputs);
        const res = await uploadObjects({ remote: opened.remote, odb: repo.odb, groups, index: repo.index, jobs: jobs ?? opened.jobs, signal, onProgress });
        res.missingEverywhere.push(...missingDirs.map((d) => d.oid));
        remotes.push({ remote: opened.remote.name, ...res });
      } finally {
        opened.remote.close();
      }
    }
    const result: PushResult = {
      remotes,
      uploaded: remotes.reduce((s, r) => s + r.uploaded, 0),
      bytes: remotes.reduce((s, r) => s + r.bytes, 0),
      alreadyPresent: remotes.reduce((s, r) => s + r.alreadyPresent, 0),
      missingEverywhere: remotes.flatMap((r) => r.missingEverywhere),
      failed: remotes.flatMap((r) => r.failed),
    };
    if (result.failed.length > 0) throw transferError('push', result.failed, result);
    return result;
  });
}

/** One error for a transfer that finished with failures: the shared code when all agree, else REMOTE_ERROR. */
export function transferError(what: 'push' | 'fetch', failed: readonly TransferFailure[], result: unknown): LockstepError {
  const codes = new Set(failed.map((f) => f.code));
  const code = codes.size === 1 && codes.has('CORRUPT_OBJECT') ? 'CORRUPT_OBJECT' : 'REMOTE_ERROR';
  const first = failed[0] as TransferFailure;
  const more = failed.length > 1 ? ` (and ${failed.length - 1} more)` : '';
  return new LockstepError(code, `${failed.length} object${failed.length === 1 ? '' : 's'} failed to ${what}: ${first.message}${more}. Everything else was transferred; run the ${what} again to retry.`, { failed, result });
}
