import { lstatSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';
import type { StatBatch } from './stat-pool.ts';
import { StatPool } from './stat-pool.ts';

/**
 * The part of `dvc/dvcignore.ts`'s IgnoreMatcher the walker needs, declared here so the walker does not depend on
 * how ignore rules are loaded. `relPosix` is relative to the repo root.
 */
export interface IgnoreMatcher {
  ignores(relPosix: string, isDir: boolean): boolean;
}

/** One regular file found by {@link walkDir}. */
export interface WalkedFile {
  /** POSIX path relative to the walked directory. */
  readonly relpath: string;
  readonly absPath: string;
  readonly size: number;
  readonly inode: bigint;
  readonly mtimeNs: bigint;
}

/** Options for {@link walkDir}. */
export interface WalkOptions {
  readonly repoRoot: string;
  readonly ignore: IgnoreMatcher;
  readonly signal?: AbortSignal;
  /**
   * Stat large folders on a worker thread: 'auto' (default) when a second core looks free, 'always' or
   * 'never' (tests compare both; results are identical either way).
   */
  readonly statWorker?: 'auto' | 'always' | 'never';
}

/**
 * Files stat'ed synchronously before yielding to the event loop. Synchronous stat is about twice as fast as the
 * promise API for 100k small files (no thread-pool round trip per call); slicing keeps each block of the event
 * loop to a few milliseconds so progress, IPC and cancellation stay responsive.
 */
const STAT_SLICE = 256;
/**
 * Files stat'ed on the walking thread before a stat worker is started: below this a worker's start-up costs
 * more than it saves; above it the worker stats while this thread lists and filters the next directories.
 */
const POOL_AFTER = 4096;
/** Paths per message to the stat worker: large enough to amortise a message, small enough to overlap. */
const POOL_BATCH = 1024;
const DVCIGNORE = '.dvcignore';

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The entry's type from readdir, asking lstat only when the filesystem reported none (DT_UNKNOWN). */
function kindOf(e: Dirent, abs: string): 'file' | 'link' | 'dir' | 'other' {
  if (e.isFile()) return 'file';
  if (e.isDirectory()) return 'dir';
  if (e.isSymbolicLink()) return 'link';
  if (e.isFIFO() || e.isSocket() || e.isBlockDevice() || e.isCharacterDevice()) return 'other';
  let st;
  try {
    st = lstatSync(abs);
  } catch (err) {
    throw fromFsError(err, abs, 'stat');
  }
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'other';
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * Lists the regular files under `absDir` as DVC's directory build does (dvc-format.md §3.3): directory symlinks are
 * skipped, file symlinks are followed when their target lies inside the repo (PATH_ESCAPE otherwise), a broken
 * symlink is BAD_TARGET, and so is a `.dvcignore` inside the directory. Ignored paths (matched repo-relative) are
 * left out and ignored directories are not entered. Order is unspecified: callers sort by code point.
 */
export async function walkDir(absDir: string, opts: WalkOptions): Promise<WalkedFile[]> {
  const { repoRoot, ignore, signal, statWorker = 'auto' } = opts;
  const useWorker = (): boolean => statWorker === 'always' || (statWorker === 'auto' && idleCore());
  const realRoot = await realpath(repoRoot).catch((err: unknown) => {
    throw fromFsError(err, repoRoot, 'resolve the repository root');
  });
  const dirFromRoot = path.relative(repoRoot, absDir).split(path.sep).join('/');
  // Returns the file to record, or undefined for entries that are skipped.
  // Ignore rules are applied before this (files and symlinks alike), so an ignored entry is never stat'ed.
  const examine = (isLink: boolean, abs: string, rel: string): WalkedFile | undefined => {
    let st;
    try {
      st = statSync(abs, { bigint: true });
    } catch (err) {
      if (isLink && (errno(err) === 'ENOENT' || errno(err) === 'ELOOP' || errno(err) === 'ENOTDIR')) {
        throw new LockstepError('BAD_TARGET', `${abs} is a broken symbolic link. Fix or delete it, or add it to .dvcignore.`, { path: abs });
      }
      throw fromFsError(err, abs, 'stat');
    }
    if (isLink) {
      if (st.isDirectory()) return undefined; // DVC never follows directory symlinks
      let target: string;
      try {
        target = realpathSync(abs);
      } catch (err) {
        throw fromFsError(err, abs, 'resolve the symbolic link');
      }
      if (!isInside(realRoot, target)) {
        throw new LockstepError('PATH_ESCAPE', `${abs} is a symbolic link to ${target}, outside the repository. Copy the file in instead of linking it.`, { path: abs, target });
      }
    }
    if (!st.isFile()) return undefined;
    return { relpath: rel, absPath: abs, size: Number(st.size), inode: st.ino, mtimeNs: st.mtimeNs };
  };

  // The result in walk order: per directory its plain files (readdir order), then its file symlinks, then
  // its subdirectories. The order is the same with or without the stat worker (snapshots digest it).
  const parts: (WalkedFile[] | Promise<Settled>)[] = [];
  let plainSeen = 0;
  let pool: StatPool | undefined;

  const statHere = async (list: readonly [boolean, string, string][]): Promise<void> => {
    for (let i = 0; i < list.length; i += STAT_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      throwIfAborted(signal);
      const got: WalkedFile[] = [];
      for (const [isLink, abs, rel] of list.slice(i, i + STAT_SLICE)) {
        const f = examine(isLink, abs, rel);
        if (f) got.push(f);
      }
      parts.push(got);
    }
  };

  // Plain files (not symlinks, not ignored) of one directory, stat'ed on the worker. A failed stat is redone
  // here through examine(), so the error (or a file that reappeared) is handled exactly as without a worker.
  const statOnPool = (p: StatPool, list: readonly [boolean, string, string][]): void => {
    for (let i = 0; i < list.length; i += POOL_BATCH) {
      const slice = list.slice(i, i + POOL_BATCH);
      const settle = (b: StatBatch): WalkedFile[] => {
        const got: WalkedFile[] = [];
        for (let j = 0; j < slice.length; j++) {
          const [isLink, abs, rel] = slice[j] as [boolean, string, string];
          const ok = b.ok[j];
          if (ok === 1) got.push({ relpath: rel, absPath: abs, size: b.size[j] as number, inode: b.ino[j] as bigint, mtimeNs: b.mtimeNs[j] as bigint });
          else if (ok === 0) {
            const f = examine(isLink, abs, rel);
            if (f) got.push(f);
          }
        }
        return got;
      };
      const redoHere = (): WalkedFile[] => slice.flatMap(([isLink, abs, rel]) => examine(isLink, abs, rel) ?? []);
      parts.push(
        p.stat(slice.map((f) => f[1]).join('\0')).then(settle, redoHere).then(
          (files): Settled => ({ files }),
          (error: unknown): Settled => ({ error }),
        ),
      );
    }
  };

  const visit = async (dirAbs: string, relPrefix: string): Promise<void> => {
    throwIfAborted(signal);
    let entries: Dirent[];
    try {
      entries = await readdir(dirAbs, { withFileTypes: true });
    } catch (err) {
      throw fromFsError(err, dirAbs, 'list');
    }
    const subdirs: [string, string][] = [];
    const plain: [boolean, string, string][] = [];
    const links: [boolean, string, string][] = [];
    // Plain concatenation: dirAbs is already normalised and an entry name holds no separator (path.join costs
    // a normalisation per file, noticeable at 100k files).
    const dirPrefix = dirAbs.endsWith(path.sep) ? dirAbs : dirAbs + path.sep;
    for (const e of entries) {
      const abs = dirPrefix + e.name;
      const rel = relPrefix === '' ? e.name : `${relPrefix}/${e.name}`;
      const repoRel = dirFromRoot === '' ? rel : `${dirFromRoot}/${rel}`;
      if (e.name === DVCIGNORE) {
        throw new LockstepError('BAD_TARGET', `${abs}: a .dvcignore file inside a tracked directory is not allowed. Move its rules to the .dvcignore above ${absDir}.`, { path: abs });
      }
      const kind = kindOf(e, abs);
      if (kind === 'dir') {
        if (!ignore.ignores(repoRel, true)) subdirs.push([abs, rel]);
      } else if (kind !== 'other' && !ignore.ignores(repoRel, false)) {
        (kind === 'link' ? links : plain).push([kind === 'link', abs, rel]);
      }
    }
    plainSeen += plain.length;
    if (pool === undefined && plainSeen > POOL_AFTER && useWorker()) pool = new StatPool();
    if (pool !== undefined && plain.length > 0) statOnPool(pool, plain);
    else await statHere(plain);
    await statHere(links);
    for (const [abs, rel] of subdirs) await visit(abs, rel);
  };

  try {
    await visit(path.resolve(absDir), '');
    const out: WalkedFile[] = [];
    for (const part of parts) {
      const files = Array.isArray(part) ? part : await settled(part);
      for (const f of files) out.push(f);
    }
    return out;
  } finally {
    pool?.close();
  }
}

/**
 * True when a second core looks free. On a saturated machine the worker's thread competes with the walking
 * thread for the same core and only adds its start-up and message costs (measured: slower under load).
 */
function idleCore(): boolean {
  const cores = os.availableParallelism();
  return cores >= 2 && (os.loadavg()[0] ?? 0) <= cores - 1;
}

type Settled = { readonly files: WalkedFile[]; readonly error?: undefined } | { readonly files?: undefined; readonly error: unknown };

async function settled(p: Promise<Settled>): Promise<WalkedFile[]> {
  const r = await p;
  if (r.error !== undefined) throw r.error;
  return r.files as WalkedFile[];
}
