import { ObjectBatch } from '../cache/object-batch.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { throttleProgress } from '../jobs/progress.ts';
import type { Repo } from '../repo/open-repo.ts';
import { putHashes } from '../index/state.ts';
import { linkFromCache } from '../workspace/link.ts';
import type { LinkType } from '../workspace/link.ts';
import { statEntry } from '../workspace/stat.ts';
import { missingVerified } from './cache-presence.ts';
import type { HashedFile, WorkspaceState } from './workspace-state.ts';

/** What saving an output into the cache did. */
export interface SaveResult {
  /** Objects newly written (files plus the `.dir` manifest). */
  readonly objectsAdded: number;
  readonly bytesAdded: number;
  /** Workspace files replaced by links to the cache (hardlink/symlink configurations only). */
  readonly relinked: number;
}

/** Parallel cache writes (copies through the libuv pool; durability comes once, at the batch commit). */
const CACHE_CONCURRENCY = 16;

/**
 * Puts a hashed workspace output into the cache: every file (copied, or reflinked where the filesystem
 * can, into a temp name), then the `.dir` manifest, all published together by one `ObjectBatch.commit`
 * (flush, name, flush) before this returns, so the caller's pointer never names an object that is not
 * durable, and a manifest in the cache always means its files are there too. Files already staged in
 * `batch` (written while they were hashed) are not copied again. The user's file is never moved away:
 * with reflink/copy configurations the workspace file already is what a checkout would produce; with
 * hardlink/symlink first it is then replaced (atomically) by a link to the cache object, as DVC does.
 */
export async function saveOutputToCache(
  repo: Repo,
  state: Exclude<WorkspaceState, { kind: 'missing' }>,
  hashName: HashName,
  opts: RunOptions = {},
  batch: ObjectBatch = new ObjectBatch(repo.odb),
): Promise<SaveResult> {
  const files = state.kind === 'file' ? [state.file] : state.files;
  try {
    return await saveInBatch(repo, state, files, hashName, opts, batch);
  } finally {
    await batch.discard();
  }
}

async function saveInBatch(repo: Repo, state: Exclude<WorkspaceState, { kind: 'missing' }>, files: readonly HashedFile[], hashName: HashName, opts: RunOptions, batch: ObjectBatch): Promise<SaveResult> {
  const progress = throttleProgress(opts.onProgress);
  const total = files.reduce((s, f) => s + f.size, 0);
  let loaded = 0;
  let done = 0;
  let objectsAdded = 0;
  let bytesAdded = 0;
  const seen = new Set<string>();
  const unique = files.filter((f) => (seen.has(f.md5) ? false : (seen.add(f.md5), true)));
  let next = 0;
  // A first event before any copy, so a single large file shows the phase while it is being copied.
  progress({ phase: 'cache', loaded: 0, total, unit: 'bytes', files: 0, filesTotal: unique.length });
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      throwIfAborted(opts.signal);
      const f = unique[next++] as HashedFile;
      const r = await batch.addFile(f.absPath, f.md5, hashName);
      if (r.added) {
        objectsAdded++;
        bytesAdded += f.size;
      }
      loaded += f.size;
      done++;
      progress({ phase: 'cache', loaded, total, unit: 'bytes', files: done, filesTotal: unique.length, current: f.relpath || undefined });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CACHE_CONCURRENCY, unique.length) }, worker));
  if (state.kind === 'dir') {
    const r = await batch.addBytes(state.oid, hashName, state.manifest);
    if (r.added) {
      objectsAdded++;
      bytesAdded += state.manifest.length;
    }
  }
  await batch.commit();
  const relinked = await linkBackIfNeeded(repo, files, hashName, repo.config.cache.type, opts);
  return { objectsAdded, bytesAdded, relinked };
}

/** True when the configured link types make the workspace file a link to the cache object rather than its own copy. */
export function linksIntoCache(types: readonly LinkType[]): boolean {
  const first = types[0] ?? 'reflink';
  return first === 'hardlink' || first === 'symlink';
}

async function linkBackIfNeeded(repo: Repo, files: readonly HashedFile[], hashName: HashName, types: readonly LinkType[], opts: RunOptions): Promise<number> {
  if (!linksIntoCache(types)) return 0;
  // Each workspace file is about to become a link to its object: the object must be on disk first.
  await repo.odb.makeDurable(files.map((f) => ({ oid: f.md5, hashName })));
  const progress = throttleProgress(opts.onProgress);
  const rows = [];
  let n = 0;
  for (const f of files) {
    throwIfAborted(opts.signal);
    await linkFromCache(repo.odb.pathFor(f.md5, hashName), f.absPath, [...types], { isexec: f.isexec });
    const st = await statEntry(f.absPath);
    rows.push({ path: f.absPath, inode: st.inode, mtimeNs: st.mtimeNs, size: st.size, hashName, md5: f.md5 });
    n++;
    progress({ phase: 'link', loaded: n, total: files.length, unit: 'files', current: f.relpath || undefined });
  }
  putHashes(repo.index, rows);
  return n;
}

/**
 * Caches the output unless every object it needs is already there and intact, so re-adding or
 * re-committing unchanged data writes nothing. `batch`: objects already staged while hashing.
 */
export async function saveIfNeeded(repo: Repo, state: Exclude<WorkspaceState, { kind: 'missing' }>, hashName: HashName, run: RunOptions, batch?: ObjectBatch): Promise<SaveResult> {
  const oids = state.kind === 'file' ? [state.oid] : [state.oid, ...state.files.map((f) => f.md5)];
  if ((await missingVerified(repo.odb, oids, hashName)).length === 0) {
    // Staged objects are missing by definition, so there are none here; drop any strays all the same.
    await batch?.discard();
    return { objectsAdded: 0, bytesAdded: 0, relinked: 0 };
  }
  return saveOutputToCache(repo, state, hashName, run, batch);
}
