import { lstat, mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore } from '../cache/odb.ts';
import { resolveInside } from '../dvc/safe-path.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { md5Dos2UnixFile } from '../hash/dos2unix.ts';
import type { HashName } from '../hash/hash-pool.ts';
import { md5File } from '../hash/md5-file.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { IndexDb } from '../index/db.ts';
import { getHashes, putHashes, type StateKey, type StateRow } from '../index/state.ts';
import { linkFromCache, type LinkType } from '../workspace/link.ts';
import { statEntry, type StatEntry } from '../workspace/stat.ts';

/** A file the workspace should hold: the object it comes from and the layout that object lives in. */
export interface WantedFile {
  readonly oid: string;
  readonly hashName: HashName;
  readonly size?: number;
}

/** The desired content of one output path: a single file, a folder of files, or nothing. */
export type WantedOutput =
  | { readonly kind: 'file'; readonly file: WantedFile }
  | { readonly kind: 'dir'; readonly files: ReadonlyMap<string, WantedFile> }
  | { readonly kind: 'absent' };

/** A file currently in the workspace, with its raw md5 and whether the cache can give its bytes back. */
export interface CurrentFile {
  readonly rel: string;
  readonly abs: string;
  readonly md5: string;
  readonly size: number;
  /** Where its bytes can be recovered from, or null when nowhere (unsaved). */
  readonly saved: WantedFile | null;
}

/** The per-file changes for one output path. */
export interface OutputOps {
  readonly path: string;
  readonly abs: string;
  readonly create: { rel: string; file: WantedFile }[];
  readonly replace: { rel: string; file: WantedFile; current: CurrentFile }[];
  readonly remove: CurrentFile[];
  /** Files whose bytes would be lost (replaced or removed and not in the cache). */
  readonly unsaved: CurrentFile[];
  /** Whether a file stands where a folder belongs or the reverse (the old one goes first). */
  readonly typeChange: boolean;
  /** The wanted shape (a folder output exists even when empty). */
  readonly wantedKind: WantedOutput['kind'];
}

/**
 * The files under an output path now, hashed. `legacyOid` is the 2.x oid recorded for a legacy output:
 * a file whose dos2unix hash matches it is recoverable from the legacy cache.
 */
export async function currentFiles(repoRoot: string, relPath: string, odb: ObjectStore, opts: { signal?: AbortSignal; legacy?: boolean; index?: IndexDb; trustIndex?: boolean } = {}): Promise<{ kind: 'file' | 'dir' | 'absent'; files: CurrentFile[] }> {
  const abs = resolveInside(repoRoot, relPath, relPath);
  const st = await lstat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw fromFsError(err, abs, 'inspect');
  });
  if (!st) return { kind: 'absent', files: [] };
  const list: { rel: string; abs: string }[] = [];
  if (st.isDirectory()) await walk(abs, '', list);
  else list.push({ rel: '', abs });
  // The state index remembers hashes by inode+mtime+size, so planning a restore twice hashes once.
  const stats = await Promise.all(list.map((f) => statEntry(f.abs)));
  const keys = list.map((f, i) => ({ path: f.abs, inode: (stats[i] as StatEntry).inode, mtimeNs: (stats[i] as StatEntry).mtimeNs, size: (stats[i] as StatEntry).size, hashName: 'md5' as const }));
  const known = opts.index && opts.trustIndex !== false ? getHashes(opts.index, keys) : new Map<string, string>();
  const fresh: StateRow[] = [];
  const files: CurrentFile[] = [];
  for (const [i, f] of list.entries()) {
    throwIfAborted(opts.signal);
    const key = keys[i] as StateKey;
    let md5 = known.get(f.abs);
    const size = key.size;
    if (!md5) {
      md5 = (await md5File(f.abs)).md5;
      fresh.push({ ...key, md5 });
    }
    let saved: WantedFile | null = (await exists(odb.pathFor(md5, 'md5'))) ? { oid: md5, hashName: 'md5', size } : null;
    if (!saved && opts.legacy) {
      const { v3, v2 } = await md5Dos2UnixFile(f.abs);
      for (const oid of new Set([v3, v2])) if (!saved && (await exists(odb.pathFor(oid, 'md5-dos2unix')))) saved = { oid, hashName: 'md5-dos2unix', size };
    }
    files.push({ rel: f.rel, abs: f.abs, md5, size, saved });
  }
  if (opts.index && fresh.length > 0) putHashes(opts.index, fresh);
  return { kind: st.isDirectory() ? 'dir' : 'file', files };
}

/** Compares the workspace with what is wanted and lists the per-file changes. Touches nothing. */
export function planOutputOps(relPath: string, abs: string, current: { kind: 'file' | 'dir' | 'absent'; files: CurrentFile[] }, wanted: WantedOutput): OutputOps {
  const want = new Map<string, WantedFile>(wanted.kind === 'file' ? [['', wanted.file]] : wanted.kind === 'dir' ? wanted.files : []);
  const typeChange = current.kind !== 'absent' && wanted.kind !== 'absent' && current.kind !== wanted.kind;
  const have = new Map(current.files.map((f) => [f.rel, f]));
  const ops: OutputOps = { path: relPath, abs, create: [], replace: [], remove: [], unsaved: [], typeChange, wantedKind: wanted.kind };
  for (const [rel, file] of want) {
    const cur = typeChange ? undefined : have.get(rel);
    if (!cur) ops.create.push({ rel, file });
    else if (!sameContent(cur, file)) ops.replace.push({ rel, file, current: cur });
  }
  for (const cur of current.files) if (typeChange || !want.has(cur.rel)) ops.remove.push(cur);
  for (const cur of [...ops.remove, ...ops.replace.map((r) => r.current)]) if (!cur.saved) ops.unsaved.push(cur);
  return ops;
}

function sameContent(cur: CurrentFile, file: WantedFile): boolean {
  return file.hashName === 'md5' ? cur.md5 === file.oid : cur.saved?.oid === file.oid;
}

/** Copies unsaved files into the cache (3.x layout, by raw md5) so nothing is lost. */
export async function saveUnsaved(odb: ObjectStore, files: readonly CurrentFile[]): Promise<void> {
  for (const f of files) await odb.addFile(f.abs, f.md5, 'md5');
}

/**
 * Applies the ops: removals first (then now-empty folders), then every created or replaced file linked
 * from the cache under a temp name and renamed into place, so a kill leaves each file old or new.
 */
export async function applyOutputOps(odb: ObjectStore, ops: OutputOps, linkTypes: readonly LinkType[], opts: { signal?: AbortSignal; onFile?: (bytes: number) => void } = {}): Promise<number> {
  // The workspace copies about to go may be the only copies on disk yet (cache/unflushed.ts).
  await odb.makeDurable([...ops.remove, ...ops.replace.map((r) => r.current)].flatMap((f) => (f.saved ? [f.saved] : [])));
  for (const f of ops.remove) {
    throwIfAborted(opts.signal);
    await rm(f.abs, { force: true }).catch((err: unknown) => {
      throw fromFsError(err, f.abs, 'remove');
    });
  }
  if (ops.typeChange) await rm(ops.abs, { recursive: true, force: true });
  await pruneEmpty(ops.abs);
  if (ops.wantedKind === 'dir') await mkdir(ops.abs, { recursive: true });
  let written = 0;
  for (const { rel, file } of [...ops.create, ...ops.replace]) {
    throwIfAborted(opts.signal);
    const dest = rel === '' ? ops.abs : path.join(ops.abs, ...rel.split('/'));
    await mkdir(path.dirname(dest), { recursive: true });
    const src = odb.pathFor(file.oid, file.hashName);
    if (!(await exists(src))) {
      throw new LockstepError('MISSING_OBJECT', `Cannot restore ${ops.path}${rel ? `/${rel}` : ''}: object ${file.oid} is not in the cache. Fetch it from a remote (lockstep fetch) and run the command again.`, { path: ops.path, oid: file.oid });
    }
    await linkFromCache(src, dest, linkTypes);
    written++;
    opts.onFile?.(file.size ?? 0);
  }
  return written;
}

/**
 * Checks that the workspace now holds exactly `wanted` (every file re-hashed); CORRUPT_OBJECT naming
 * the first mismatch. This is the "verified against its hash" step after every restore.
 */
export async function verifyOutput(repoRoot: string, relPath: string, wanted: WantedOutput, odb: ObjectStore, index?: IndexDb): Promise<void> {
  // Re-hashed from the bytes (no state-index shortcut): this is the proof the restore is right. The
  // fresh hashes are then remembered, so the next status or plan need not read the files again.
  const now = await currentFiles(repoRoot, relPath, odb, { legacy: true, trustIndex: false, ...(index ? { index } : {}) });
  const ops = planOutputOps(relPath, '', now, wanted);
  const bad = ops.create[0]?.rel ?? ops.replace[0]?.rel ?? ops.remove[0]?.rel;
  if (bad !== undefined || ops.typeChange) {
    throw new LockstepError('CORRUPT_OBJECT', `After restoring, ${relPath}${bad ? `/${bad}` : ''} does not match its recorded hash. The cache object may be damaged; run the restore again or \`lockstep undo\`.`, { path: relPath, file: bad });
  }
}

async function walk(dir: string, prefix: string, out: { rel: string; abs: string }[]): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const abs = path.join(dir, e.name);
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(abs, rel, out);
    else if (e.isFile()) out.push({ rel, abs });
  }
}

async function pruneEmpty(dir: string): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) await pruneEmpty(path.join(dir, e.name));
  await rmdir(dir).catch(() => {});
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}
