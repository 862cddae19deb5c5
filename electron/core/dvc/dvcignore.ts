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
}

/** DVC's built-in patterns (dvc `dvc/ignore.py` DEFAULT_IGNORE_PATTERNS). */
export const DEFAULT_DVCIGNORE_PATTERNS = ['.hg/', '.git/', '.git', '.dvc/'];

/** Parses `.dvcignore` text into an `ignore` instance: lines stripped, blanks and `#` comments skipped. */
export function dvcIgnorePatterns(text: string): Ignore {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  return ignore().add(lines);
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

class DvcIgnoreMatcher implements IgnoreMatcher {
  private readonly root: string;
  private readonly defaults = ignore().add(DEFAULT_DVCIGNORE_PATTERNS);
  private readonly perDir = new Map<string, Ignore | null>();
  private readonly subRepo = new Map<string, boolean>();

  constructor(root: string, rootText: string | null) {
    this.root = root;
    this.perDir.set('', rootText === null ? null : dvcIgnorePatterns(rootText));
  }

  ignores(relPosixPath: string, isDir: boolean): boolean {
    const parts = relPosixPath.split('/').filter((p) => p !== '' && p !== '.');
    for (let depth = 1; depth <= parts.length; depth++) {
      const target = parts.slice(0, depth).join('/');
      const asDir = depth < parts.length || isDir;
      if (asDir && this.isSubRepo(target)) return true;
      let ignored = testOne(this.defaults, asDir ? `${target}/` : target);
      for (let i = 0; i < depth; i++) {
        const dir = parts.slice(0, i).join('/');
        const ig = this.patternsOf(dir);
        if (!ig) continue;
        const rel = parts.slice(i, depth).join('/');
        const res = ig.test(asDir ? `${rel}/` : rel);
        if (res.ignored) ignored = true;
        else if (res.unignored) ignored = false;
      }
      if (ignored) return true;
    }
    return false;
  }

  private patternsOf(dir: string): Ignore | null {
    const cached = this.perDir.get(dir);
    if (cached !== undefined) return cached;
    const file = path.join(this.root, ...dir.split('/'), '.dvcignore');
    let ig: Ignore | null = null;
    try {
      ig = dvcIgnorePatterns(readFileSync(file, 'utf8'));
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
      yes = statSync(path.join(this.root, ...dir.split('/'), '.dvc')).isDirectory();
    } catch {
      yes = false;
    }
    this.subRepo.set(dir, yes);
    return yes;
  }
}

function testOne(ig: Ignore, p: string): boolean {
  return ig.test(p).ignored;
}
