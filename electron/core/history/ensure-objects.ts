import { lstat } from 'node:fs/promises';
import type { RunOptions } from '../jobs/progress.ts';
import { partialDir } from '../ops/fetch.ts';
import { downloadObjects } from '../remote/download-objects.ts';
import { openRemote } from '../remote/open-remote.ts';
import type { ObjectRef } from '../remote/types.ts';
import type { Repo } from '../repo/open-repo.ts';

/** True when the repository has a remote configured to fetch from. */
export function hasRemote(repo: Repo): boolean {
  return Object.keys(repo.config.remotes).length > 0;
}

/**
 * Downloads those of `refs` the cache lacks from the default remote (verified by the transfer engine,
 * with progress). Returns the refs still missing afterwards; with no remote configured, all missing ones.
 */
export async function ensureObjects(repo: Repo, refs: readonly ObjectRef[], run: RunOptions = {}): Promise<{ missing: ObjectRef[]; downloaded: number; bytes: number }> {
  const absent: ObjectRef[] = [];
  for (const r of refs) if (!(await exists(repo.odb.pathFor(r.oid, r.hashName)))) absent.push(r);
  if (absent.length === 0 || !hasRemote(repo)) return { missing: absent, downloaded: 0, bytes: 0 };
  const opened = await openRemote(repo.config, repo.dvcDir);
  let res;
  try {
    res = await downloadObjects({ remote: opened.remote, odb: repo.odb, refs: absent, partialDir: partialDir(repo), index: repo.index, jobs: opened.jobs, signal: run.signal, onProgress: run.onProgress });
  } finally {
    opened.remote.close();
  }
  const missing: ObjectRef[] = [];
  for (const r of absent) if (!(await exists(repo.odb.pathFor(r.oid, r.hashName)))) missing.push(r);
  return { missing, downloaded: res.downloaded, bytes: res.bytes };
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}
