import { LockstepError } from '../errors/index.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { ensureObjects } from '../history/ensure-objects.ts';
import type { OutputVersion } from '../history/types.ts';
import type { RunOptions } from '../jobs/progress.ts';
import type { ObjectRef } from '../remote/types.ts';
import type { Repo } from '../repo/open-repo.ts';

/**
 * Fetches the `.dir` manifests of folder outputs that the cache lacks, from the default remote, so a
 * plan can list their files instead of failing. Without a remote nothing is fetched.
 */
export async function fetchManifests(repo: Repo, versions: readonly OutputVersion[], run: RunOptions): Promise<void> {
  const refs: ObjectRef[] = [];
  for (const v of versions) if (v.isDir && v.md5) refs.push({ oid: v.md5, hashName: (v.legacy ? 'md5-dos2unix' : 'md5') as HashName });
  await ensureObjects(repo, refs, run);
}

/**
 * Downloads `refs` into the cache from the default remote with progress, then checks every one arrived;
 * MISSING_OBJECT lists those that did not. Runs before the workspace is touched.
 */
export async function fetchMissing(repo: Repo, refs: readonly ObjectRef[], run: RunOptions): Promise<{ downloaded: number; bytes: number }> {
  if (refs.length === 0) return { downloaded: 0, bytes: 0 };
  const res = await ensureObjects(repo, refs, run);
  if (res.missing.length > 0) {
    const oids = res.missing.map((r) => r.oid);
    throw new LockstepError('MISSING_OBJECT', `Cannot restore: ${oids.length} object(s) are neither in the cache nor on a remote (${oids.slice(0, 10).join(', ')}${oids.length > 10 ? ', ...' : ''}). Nothing was changed.`, { objects: oids });
  }
  return { downloaded: res.downloaded, bytes: res.bytes };
}
