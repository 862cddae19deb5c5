/**
 * `.dvcignore` (dvc-format.md §5.5): gitignore syntax with each line stripped, patterns relative to the
 * directory holding the file, nested files merged under their parents' patterns (a deeper file can negate),
 * the defaults `.git`, `.git/`, `.hg/`, `.dvc/` always applied, and sub-repositories (directories containing
 * `.dvc/`) ignored. Nested `.dvcignore` files are read lazily (once per directory) as paths are tested, so
 * a walk over a large tree costs one extra stat per directory, not a scan of the repository up front.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import { fromFsError } from '../errors/index.ts';

/** Decides whether a repo-relative POSIX path is excluded from DVC's view of the workspace. */
export interface IgnoreMatcher {
  /** True when `relPosixPath` (repo-relative, no leading slash) is ignored; `isDir` for directories. */
  ignores(relPosixPath: string, isDir: boolean): boolean;
  /**
   * `ignores(relDir + '/' + name, false)` for the files directly inside the directory `relDir` ('' for the repo
   * root), decided once per directory. Optional: a walk falls back to `ignores` per file without it.
   */
  fileNameFilter?(relDir: string): (name: string) => boolean;
}

/** DVC's built-in patterns (dvc `dvc/ignore.py` DEFAULT_IGNORE_PATTERNS). */
export const DEFAULT_DVCIGNORE_PATTERNS = ['.hg/', '.git/', '.git', '.dvc/'];

/** Parses `.dvcignore` text into an `ignore` instance: lines stripped, blanks and `#` comments skipped. */
export function dvcIgnorePatterns(text: string): Ignore {
  return ignore().add(patternLines(text));
}

function patternLines(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

/** Like {@link dvcIgnorePatterns}, but null for a file without patterns (`dvc init` writes only comments), so it costs nothing per path. */
function patternsOrNull(text: string): Ignore | null {
  const lines = patternLines(text);
  return lines.length === 0 ? null : ignore().add(lines);
}

/** Loads the root `.dvcignore` of `repoRoot` and returns a matcher that reads nested ones on demand. */
export async function loadDvcIgnore(repoRoot: string): Promise<IgnoreMatcher> {
  const rootFile = path.join(repoRoot, '.dvcignore');
  let rootText: string | null = null;
  try {
    rootText = await readFile(rootFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromFsError(err, rootFile, 'read');
  }
  return new DvcIgnoreMatcher(repoRoot, rootText);
}

/** A path with an empty or `.` segment, or a leading slash: those take the general path below. */
const NON_CANONICAL = /(^|\/)\.?(\/|$)/;

/** The one default rule that can match a file name where no `.dvcignore` patterns apply. */
function isGitName(name: string): boolean {
  return name === '.git';
}

/** Pattern sets that apply inside one directory: each with the depth of the directory that holds it. */
type Chain = readonly { readonly ig: Ignore; readonly depth: number }[];

class DvcIgnoreMatcher implements IgnoreMatcher {
  private readonly root: string;
  private readonly perDir = new Map<string, Ignore | null>();
  private readonly subRepo = new Map<string, boolean>();
  // Per directory (repo-relative): whether it is ignored, and the patterns of it and its ancestors. A walk
  // asks about every file, so each directory's answer is computed once; a file then costs one name check
  // plus its directory's patterns (none at all in the common case of a .dvcignore with only comments).
  private readonly dirIgnored = new Map<string, boolean>();
  private readonly chains = new Map<string, Chain>();
  // Per parent directory of a file: whether it is ignored, and whether no patterns apply inside it.
  private readonly fileDirs = new Map<string, { ignored: boolean; plain: boolean }>();

  constructor(root: string, rootText: string | null) {
    this.root = root;
    this.perDir.set('', rootText === null ? null : patternsOrNull(rootText));
  }

  ignores(relPosixPath: string, isDir: boolean): boolean {
    // Fast path for a file in a directory already looked at: one map lookup and no allocation beyond the
    // parent's name, instead of splitting and joining the path.
    if (!isDir && !NON_CANONICAL.test(relPosixPath)) {
      const cut = relPosixPath.lastIndexOf('/');
      const dir = this.fileDir(cut === -1 ? '' : relPosixPath.slice(0, cut));
      if (dir.ignored) return true;
      // No .dvcignore patterns apply here: only the default `.git` name can match a file.
      if (dir.plain) return relPosixPath.slice(cut + 1) === '.git';
    }
    const parts = relPosixPath.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0) return false;
    // A path is ignored when any of its ancestors is (gitignore cannot re-include below an ignored folder).
    if (parts.length > 1 && this.isDirIgnored(parts, parts.length - 1)) return true;
    return this.ignoredAt(parts, parts.length, isDir);
  }

  /**
   * `ignores(relDir + '/' + name, false)` for the files directly inside `relDir` ('' for the root), decided once
   * for the directory: a walk asks this per directory instead of building and testing a path per file.
   */
  fileNameFilter(relDir: string): (name: string) => boolean {
    const prefix = relDir === '' ? '' : `${relDir}/`;
    const general = (name: string): boolean => this.ignores(prefix + name, false);
    if (relDir !== '' && NON_CANONICAL.test(relDir)) return general;
    const dir = this.fileDir(relDir);
    if (dir.ignored) return () => true;
    return dir.plain ? isGitName : general;
  }

  /** Whether the directory `parent` (canonical, '' for the root) is ignored, and whether no patterns apply inside it. */
  private fileDir(parent: string): { ignored: boolean; plain: boolean } {
    let dir = this.fileDirs.get(parent);
    if (dir === undefined) {
      const parts = parent === '' ? [] : parent.split('/');
      dir = { ignored: parts.length > 0 && this.isDirIgnored(parts, parts.length), plain: this.chainOf(parts, parts.length).length === 0 };
      this.fileDirs.set(parent, dir);
    }
    return dir;
  }

  /** Whether the directory `parts[0..depth)` or one of its ancestors is ignored (memoised). */
  private isDirIgnored(parts: readonly string[], depth: number): boolean {
    const key = parts.slice(0, depth).join('/');
    const cached = this.dirIgnored.get(key);
    if (cached !== undefined) return cached;
    const yes = (depth > 1 && this.isDirIgnored(parts, depth - 1)) || this.ignoredAt(parts, depth, true);
    this.dirIgnored.set(key, yes);
    return yes;
  }

  /** The rules for the path `parts[0..depth)` itself (its ancestors are checked by the callers). */
  private ignoredAt(parts: readonly string[], depth: number, asDir: boolean): boolean {
    const target = parts.slice(0, depth).join('/');
    if (asDir && this.isSubRepo(target)) return true;
    // DEFAULT_DVCIGNORE_PATTERNS, tested on the last name only (ancestors were tested at their own depth).
    const name = parts[depth - 1] as string;
    let ignored = name === '.git' || (asDir && (name === '.hg' || name === '.dvc'));
    for (const { ig, depth: at } of this.chainOf(parts, depth - 1)) {
      const rel = parts.slice(at, depth).join('/');
      const res = ig.test(asDir ? `${rel}/` : rel);
      if (res.ignored) ignored = true;
      else if (res.unignored) ignored = false;
    }
    return ignored;
  }

  /** The `.dvcignore` pattern sets of the directory `parts[0..depth)` and its ancestors, outermost first. */
  private chainOf(parts: readonly string[], depth: number): Chain {
    const key = parts.slice(0, depth).join('/');
    const cached = this.chains.get(key);
    if (cached !== undefined) return cached;
    const outer = depth > 0 ? this.chainOf(parts, depth - 1) : [];
    const own = this.patternsOf(key);
    const chain = own ? [...outer, { ig: own, depth }] : outer;
    this.chains.set(key, chain);
    return chain;
  }

  private patternsOf(dir: string): Ignore | null {
    const cached = this.perDir.get(dir);
    if (cached !== undefined) return cached;
    const file = path.join(this.root, ...dir.split('/'), '.dvcignore');
    let ig: Ignore | null = null;
    try {
      // Most directories have no .dvcignore: ask stat without an exception (a thrown ENOENT costs ~0.1 ms, and a
      // walk asks once per directory).
      if (statSync(file, { throwIfNoEntry: false }) !== undefined) ig = patternsOrNull(readFileSync(file, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fromFsError(err, file, 'read');
    }
    this.perDir.set(dir, ig);
    return ig;
  }

  private isSubRepo(dir: string): boolean {
    const cached = this.subRepo.get(dir);
    if (cached !== undefined) return cached;
    let yes = false;
    try {
      yes = statSync(path.join(this.root, ...dir.split('/'), '.dvc'), { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
      yes = false;
    }
    this.subRepo.set(dir, yes);
    return yes;
  }
}

