import { contentOfLock, outputsOfDvcFile } from '../core/history/parse-blobs.ts';
import type { OutputVersion } from '../core/history/types.ts';
import { listFilesAt, readBlobAt } from '../core/git/read-at.ts';
import { knownRemoteKeys } from '../core/index/remote-objects.ts';
import { objectKey } from '../core/remote/object-key.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { Availability, CommitOutput } from '../../shared/model.ts';

const decoder = new TextDecoder();

/** Every output recorded at a commit: the `.dvc` files and `dvc.lock` files in its tree. */
export async function outputsAtCommit(repo: Repo, oid: string): Promise<OutputVersion[]> {
  const files = await listFilesAt(repo.gitDir, oid, (name) => name.endsWith('.dvc') || name === 'dvc.lock');
  const out: OutputVersion[] = [];
  for (const f of files) {
    const blob = await readBlobAt(repo.gitDir, oid, f.path);
    if (!blob) continue;
    const text = decoder.decode(blob);
    try {
      out.push(...(f.path.endsWith('dvc.lock') ? contentOfLock(text, f.path).outputs : outputsOfDvcFile(text, f.path)));
    } catch {
      // An unreadable pointer in an old commit is reported by the timeline's warnings; skip it here.
    }
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * Where an output version's data is: in the local cache, known to be on the default remote (from the
 * index of confirmed remote objects, no network), or nowhere we know of.
 */
export async function availabilityOf(repo: Repo, v: OutputVersion): Promise<Availability> {
  if (!v.md5) return 'missing';
  const hashName = v.legacy ? 'md5-dos2unix' : 'md5';
  if (await repo.odb.has(v.md5, hashName)) return 'local';
  const def = repo.config.core.remote;
  const url = def ? repo.config.remotes[def]?.url : undefined;
  if (typeof url === 'string') {
    const key = objectKey(v.md5, hashName);
    if (knownRemoteKeys(repo.index, url, [key]).has(key)) return 'remote';
  }
  return 'missing';
}

/** Outputs at a commit with their availability, for the commit detail pane. */
export async function commitOutputs(repo: Repo, oid: string): Promise<CommitOutput[]> {
  const versions = await outputsAtCommit(repo, oid);
  return Promise.all(versions.map(async (v) => ({ path: v.path, md5: v.md5, size: v.size, nfiles: v.nfiles, availability: await availabilityOf(repo, v) })));
}
