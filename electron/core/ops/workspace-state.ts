import { lstat, stat } from 'node:fs/promises';
import type { ObjectBatch } from '../cache/object-batch.ts';
import type { IgnoreMatcher } from '../dvc/dvcignore.ts';
import type { ManifestEntry } from '../dvc/manifest.ts';
import { manifestOid, serializeManifest } from '../dvc/manifest.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';
import type { FileHash, HashName } from '../hash/hash-pool.ts';
import { hashFiles } from '../hash/hash-pool.ts';
import type { IndexDb } from '../index/db.ts';
import { getSnapshot, putSnapshot } from '../index/snapshots.ts';
import { getHashes, putHashes } from '../index/state.ts';
import type { RunOptions } from '../jobs/progress.ts';
import { statEntry } from '../workspace/stat.ts';
import { batchFiles } from '../workspace/file-batch.ts';
import type { WalkedFile } from '../workspace/walk.ts';
import { walkListing } from '../workspace/walk.ts';
import { listingDigest } from './listing-digest.ts';
import { isTempDebrisName } from './temp-debris.ts';

/** One workspace file with its hash. For a file output, `relpath` is ''. */
export interface HashedFile {
  readonly relpath: string;
  readonly absPath: string;
  readonly md5: string;
  readonly size: number;
  readonly isexec: boolean;
}

/** What is on disk at an output's path right now. */
export type WorkspaceState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'file'; readonly oid: string; readonly size: number; readonly isexec: boolean; readonly file: HashedFile }
  | {
      readonly kind: 'dir';
      readonly oid: string;
      readonly size: number;
      readonly nfiles: number;
      readonly files: HashedFile[];
      readonly manifest: Buffer;
      /** Temp files of killed Lockstep processes found inside (absolute paths; not part of the data). */
      readonly debris: string[];
    };

/** Options for {@link hashWorkspaceOutput}. */
export interface HashOutputOptions extends RunOptions {
  readonly index: IndexDb;
  readonly repoRoot: string;
  readonly ignore: IgnoreMatcher;
  readonly hashName: HashName;
  /**
   * The hashes recorded for this output (relpath -> md5; '' for a file output). Legacy files have two
   * valid dos2unix forms (DVC 3 per-chunk, DVC 2 whole-file); the recorded one is preferred so that
   * unchanged legacy data stays unchanged (dvc-format.md §3.2).
   */
  readonly recorded?: ReadonlyMap<string, string>;
  /**
   * Save as well as hash (add, commit): files that must be read are written into this batch's object
   * store in the same pass (md5 outputs), so the later cache step finds them staged instead of reading
   * every file a second time. The caller publishes the batch before writing any pointer.
   */
  readonly store?: ObjectBatch;
  /** This folder's listing, already walked by the caller (status walks once for {@link snapshotOid}). */
  readonly listing?: DirListing;
}

/**
 * Hashes the output at `absPath` as it is in the workspace: a file, a directory (with its `.dir`
 * manifest built exactly as DVC does), or missing. Files whose inode, mtime and size match the state
 * index are not re-read; the others are hashed in the worker pool and remembered.
 */
export async function hashWorkspaceOutput(absPath: string, opts: HashOutputOptions): Promise<WorkspaceState> {
  let st;
  try {
    st = await stat(absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      // A dangling symlink is not "missing": DVC refuses it, and so do we.
      if (await lstat(absPath).then(() => true, () => false)) {
        throw new LockstepError('BAD_TARGET', `${absPath} is a broken symbolic link. Remove it or point it at a file.`, { path: absPath });
      }
      return { kind: 'missing' };
    }
    throw fromFsError(err, absPath, 'read');
  }
  if (st.isDirectory()) return hashDir(absPath, opts);
  if (!st.isFile()) throw new LockstepError('BAD_TARGET', `${absPath} is not a regular file or folder, so it cannot be tracked.`, { path: absPath });
  const e = await statEntry(absPath);
  const [file] = await hashEntries([{ relpath: '', absPath, size: e.size, inode: e.inode, mtimeNs: e.mtimeNs, isexec: e.isexec }], opts);
  const f = file as HashedFile;
  return { kind: 'file', oid: f.md5, size: f.size, isexec: f.isexec, file: f };
}

/** A folder's files as walked (temp debris left out), with the digest of that listing. */
export interface DirListing {
  readonly absPath: string;
  /** The files as objects, built on first use: the fast path of status needs only the digest. */
  readonly files: WalkedFile[];
  readonly debris: string[];
  readonly digest: string;
}

/** Walks the folder at `absPath` as {@link hashWorkspaceOutput} does, without hashing anything. */
export async function listDir(absPath: string, opts: Pick<HashOutputOptions, 'repoRoot' | 'ignore' | 'signal'>): Promise<DirListing> {
  // Temp files of a killed Lockstep process are not user data: they are left out, and checkout deletes them.
  const walk = await walkListing(absPath, { repoRoot: opts.repoRoot, ignore: opts.ignore, signal: opts.signal, exclude: isTempDebrisName });
  let files: WalkedFile[] | undefined;
  return {
    absPath,
    get files() {
      return (files ??= batchFiles(walk.batches));
    },
    debris: [...walk.excluded],
    digest: listingDigest(walk.batches),
  };
}

/**
 * The `.dir` oid the folder's snapshot proves for `listing`: the same files with the same inode, mtime and
 * size as when the folder last hashed to that oid from valid hash-state entries. Undefined when there is no
 * snapshot or anything differs; the caller then hashes with {@link hashWorkspaceOutput}.
 */
export function snapshotOid(index: IndexDb, listing: DirListing, hashName: HashName): string | undefined {
  const snap = getSnapshot(index, listing.absPath, hashName);
  return snap !== undefined && snap.digest === listing.digest ? snap.dirOid : undefined;
}

async function hashDir(absPath: string, opts: HashOutputOptions): Promise<WorkspaceState> {
  const listing = opts.listing?.absPath === absPath ? opts.listing : await listDir(absPath, opts);
  const { files: walked, debris } = listing;
  opts.onProgress?.({ phase: 'walk', loaded: walked.length, unit: 'files' });
  let allKnown = true;
  const files = await hashEntries(
    walked.map((w) => ({ relpath: w.relpath, absPath: w.absPath, size: w.size, inode: w.inode, mtimeNs: w.mtimeNs, isexec: false })),
    opts,
    (misses) => (allKnown = misses === 0),
  );
  const entries: ManifestEntry[] = files.map((f) => ({ relpath: f.relpath, md5: f.md5 }));
  const manifest = serializeManifest(entries);
  const size = files.reduce((s, f) => s + f.size, 0);
  const oid = manifestOid(manifest);
  // Only a folder hashed entirely from stat-validated state entries gets a snapshot: a file read in this pass
  // may have changed after it was stat'ed, and the snapshot must never vouch for more than the state index does.
  if (allKnown) putSnapshot(opts.index, { path: absPath, hashName: opts.hashName, digest: listing.digest, dirOid: oid, nfiles: files.length, size });
  return { kind: 'dir', oid, size, nfiles: files.length, files, manifest, debris };
}

interface ToHash {
  readonly relpath: string;
  readonly absPath: string;
  readonly size: number;
  readonly inode: bigint;
  readonly mtimeNs: bigint;
  readonly isexec: boolean;
}

async function hashEntries(items: readonly ToHash[], opts: HashOutputOptions, onMisses?: (count: number) => void): Promise<HashedFile[]> {
  const { index, hashName } = opts;
  const keys = items.map((i) => ({ path: i.absPath, inode: i.inode, mtimeNs: i.mtimeNs, size: i.size, hashName }));
  const known = getHashes(index, keys);
  const misses = items.filter((i) => !known.has(i.absPath));
  onMisses?.(misses.length);
  let fresh = new Map<string, FileHash>();
  if (misses.length > 0) {
    const store = opts.store && hashName === 'md5' ? opts.store.odb.layoutDir(hashName) : undefined;
    fresh = await hashFiles(misses.map((m) => ({ absPath: m.absPath, size: m.size })), { hashName, signal: opts.signal, onProgress: opts.onProgress, store });
    if (opts.store) {
      for (const h of fresh.values()) if (typeof h.stored === 'string') opts.store.stageTemp(h.stored, h.md5, hashName);
    }
  }
  const remember: { path: string; inode: bigint; mtimeNs: bigint; size: number; hashName: HashName; md5: string }[] = [];
  const out = items.map((i): HashedFile => {
    const hit = known.get(i.absPath);
    if (hit !== undefined) return { relpath: i.relpath, absPath: i.absPath, md5: hit, size: i.size, isexec: i.isexec };
    const h = fresh.get(i.absPath);
    if (!h) throw new LockstepError('INTERNAL', `No hash was computed for ${i.absPath}.`, { path: i.absPath });
    const md5 = pickLegacyForm(h, opts.recorded?.get(i.relpath));
    // Remember only when the file did not change while it was read (size is the cheap witness here).
    if (h.size === i.size) remember.push({ path: i.absPath, inode: i.inode, mtimeNs: i.mtimeNs, size: i.size, hashName, md5 });
    return { relpath: i.relpath, absPath: i.absPath, md5, size: h.size, isexec: i.isexec };
  });
  putHashes(index, remember);
  return out;
}

/** For legacy hashes, the DVC 2 whole-file form counts as unchanged when that is what was recorded. */
function pickLegacyForm(h: FileHash, recorded: string | undefined): string {
  if (h.md5v2 !== undefined && recorded !== undefined && h.md5v2 === recorded) return h.md5v2;
  return h.md5;
}
