import { largestSnapshot } from '../index/snapshots.ts';
import type { Repo } from '../repo/open-repo.ts';
import { prestartStatPool } from '../workspace/stat-pool.ts';
import { STAT_WORKERS_AFTER } from '../workspace/walk.ts';

/**
 * Call before loading {@link status} (ops/status.ts) on a repository already open: when its last status walked a
 * folder large enough for stat workers and a core is idle, the workers start now and boot (about 50 ms) while the
 * caller loads the operation and reads the pointer files, instead of in the middle of the walk. Repositories
 * without such a folder start nothing: an unused worker is pure cost for a small status.
 */
export function prepareStatus(repo: Repo): void {
  if (largestSnapshot(repo.index) > STAT_WORKERS_AFTER) prestartStatPool();
}
