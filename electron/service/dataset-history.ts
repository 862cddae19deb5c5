import { isLockstepError } from '../core/errors/index.ts';
import { getDatasetHistory } from '../core/history/dataset-history.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { DatasetHistory } from '../../shared/model.ts';
import { knownAvailability } from './known-availability.ts';

/**
 * The history engine's versions of one output (from the timeline cache; refresh it first), with each
 * version's availability from the cache and the index. A path tracked but never committed has no
 * versions yet, which the dataset view says plainly rather than as an error.
 */
export async function datasetHistory(repo: Repo, path: string): Promise<DatasetHistory> {
  let h;
  try {
    h = getDatasetHistory(repo, path);
  } catch (err) {
    if (isLockstepError(err, 'NOT_TRACKED')) return { path, versions: [] };
    throw err;
  }
  const versions = await Promise.all(
    h.versions.map(async (v) => ({
      md5: v.md5,
      firstCommit: v.firstCommit.oid,
      lastCommit: v.lastCommit.oid,
      date: v.firstCommit.time * 1000,
      size: v.size,
      nfiles: v.nfiles,
      availability: await knownAvailability(repo, v.md5, v.legacy),
    })),
  );
  return { path: h.path, versions };
}
