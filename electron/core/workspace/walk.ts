import { lstatSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';

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
}

/**
 * Files stat'ed synchronously before yielding to the event loop. Synchronous stat is about twice as fast as the
 * promise API for 100k small files (no thread-pool round trip per call); slicing keeps each block of the event
 * loop to a few milliseconds so progress, IPC and cancellation stay responsive.
 */
const STAT_SLICE = 256;
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
  const { repoRoot, ignore, signal } = opts;
  const realRoot = await realpath(repoRoot).catch((err: unknown) => {
    throw fromFsError(err, repoRoot, 'resolve the repository root');
  });
  const dirFromRoot = path.relative(repoRoot, absDir).split(path.sep).join('/');
  const out: WalkedFile[] = [];

  // Returns the file to record, or undefined for entries that are skipped.
  const examine = (isLink: boolean, abs: string, rel: string, repoRel: string): WalkedFile | undefined => {
    if (ignore.ignores(repoRel, false)) return undefined;
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

  const visit = async (dirAbs: string, relPrefix: string): Promise<void> => {
    throwIfAborted(signal);
    let entries: Dirent[];
    try {
      entries = await readdir(dirAbs, { withFileTypes: true });
    } catch (err) {
      throw fromFsError(err, dirAbs, 'list');
    }
    const subdirs: [string, string][] = [];
    const files: [boolean, string, string, string][] = [];
    for (const e of entries) {
      const abs = path.join(dirAbs, e.name);
      const rel = relPrefix === '' ? e.name : `${relPrefix}/${e.name}`;
      const repoRel = dirFromRoot === '' ? rel : `${dirFromRoot}/${rel}`;
      if (e.name === DVCIGNORE) {
        throw new LockstepError('BAD_TARGET', `${abs}: a .dvcignore file inside a tracked directory is not allowed. Move its rules to the .dvcignore above ${absDir}.`, { path: abs });
      }
      const kind = kindOf(e, abs);
      if (kind === 'dir') {
        if (!ignore.ignores(repoRel, true)) subdirs.push([abs, rel]);
      } else if (kind !== 'other') {
        files.push([kind === 'link', abs, rel, repoRel]);
      }
    }
    for (let i = 0; i < files.length; i += STAT_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      throwIfAborted(signal);
      for (const [isLink, abs, rel, repoRel] of files.slice(i, i + STAT_SLICE)) {
        const f = examine(isLink, abs, rel, repoRel);
        if (f) out.push(f);
      }
    }
    for (const [abs, rel] of subdirs) await visit(abs, rel);
  };

  await visit(absDir, '');
  return out;
}
