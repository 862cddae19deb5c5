/**
 * The `.gitignore` entries DVC writes for outputs (dvc-format.md §8, scmrepo `ignore`/`ignore_remove`):
 * `<parent>/.gitignore` gets `/<basename>` with gitignore metacharacters escaped; nothing is added when git
 * already ignores the path; a missing final newline is added first; duplicates are not re-added; removing
 * the last line deletes the file. Writes are atomic.
 */
import { stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import { fromFsError } from '../errors/index.ts';
import { readTextIfExists, writeFileAtomic } from './atomic-write.ts';
import { resolveInside } from './safe-path.ts';

/** pathspec `GitWildMatchPattern.escape` (>= 1.1.0): backslash-escapes `\ [ ] ! * # ?`. */
export function escapeGitignore(name: string): string {
  return name.replace(/[\\[\]!*#?]/g, (c) => `\\${c}`);
}

/** The line DVC writes for an output: `/` + escaped basename (no trailing slash for directories). */
export function ignoreEntryFor(outputRelPath: string): string {
  return `/${escapeGitignore(path.posix.basename(outputRelPath))}`;
}

function gitignoreFor(repoRoot: string, outputRelPath: string): string {
  const parent = path.posix.dirname(outputRelPath);
  return resolveInside(repoRoot, parent === '.' ? '.gitignore' : `${parent}/.gitignore`, `.gitignore for ${outputRelPath}`);
}

/**
 * Adds `/<name>` for the output at repo-relative `outputRelPath` to its parent's `.gitignore`. Returns the
 * `.gitignore` path written, or null when git already ignores the output (nothing written).
 */
export async function addIgnoreEntry(repoRoot: string, outputRelPath: string): Promise<string | null> {
  const file = gitignoreFor(repoRoot, outputRelPath);
  const isDir = await stat(resolveInside(repoRoot, outputRelPath, outputRelPath)).then((st) => st.isDirectory(), () => false);
  if (await isIgnoredByGit(repoRoot, outputRelPath, isDir)) return null;
  const entry = ignoreEntryFor(outputRelPath);
  const old = (await readTextIfExists(file)) ?? '';
  if (old.split(/\r?\n/).includes(entry)) return null;
  // DVC writes in text mode: CRLF on Windows. Follow the file's own style so a CRLF file stays consistent.
  const nl = old.includes('\r\n') || (old === '' && process.platform === 'win32') ? '\r\n' : '\n';
  const prefix = old === '' || old.endsWith('\n') ? '' : nl;
  await writeFileAtomic(file, `${old}${prefix}${entry}${nl}`);
  return file;
}

/**
 * Removes the output's `/<name>` line (escaped, or unescaped as older DVC wrote it) from its parent's
 * `.gitignore`; deletes the file when no line is left. Returns true when the file changed.
 */
export async function removeIgnoreEntry(repoRoot: string, outputRelPath: string): Promise<boolean> {
  const file = gitignoreFor(repoRoot, outputRelPath);
  const old = await readTextIfExists(file);
  if (old === null) return false;
  const targets = new Set([ignoreEntryFor(outputRelPath), `/${path.posix.basename(outputRelPath)}`]);
  const lines = old.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const kept = lines.filter((l) => !targets.has(l.trim()));
  if (kept.length === lines.length) return false;
  if (kept.length === 0) {
    try {
      await unlink(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fromFsError(err, file, 'delete');
    }
    return true;
  }
  await writeFileAtomic(file, kept.join(''));
  return true;
}

/**
 * Whether git ignores `relPath` (repo-relative POSIX) by the repo's `.gitignore` files and
 * `.git/info/exclude`: deeper files override shallower ones, and an ignored parent directory ignores
 * everything under it. (The global `core.excludesFile` is not consulted.)
 */
export async function isIgnoredByGit(repoRoot: string, relPath: string, isDir = false): Promise<boolean> {
  const parts = relPath.split('/').filter((p) => p !== '');
  const levels: { dir: string; ig: ReturnType<typeof ignore> }[] = [];
  const exclude = await readTextIfExists(path.join(repoRoot, '.git', 'info', 'exclude'));
  if (exclude !== null) levels.push({ dir: '', ig: ignore().add(exclude) });
  for (let i = 0; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    const text = await readTextIfExists(path.join(repoRoot, ...parts.slice(0, i), '.gitignore'));
    if (text !== null) levels.push({ dir, ig: ignore().add(text) });
  }
  // Check each ancestor directory first (git does not descend into ignored directories), then the path.
  for (let depth = 1; depth <= parts.length; depth++) {
    const target = parts.slice(0, depth).join('/');
    const asDir = depth < parts.length || isDir;
    let ignored = false;
    for (const { dir, ig } of levels) {
      if (dir !== '' && !target.startsWith(`${dir}/`)) continue;
      const rel = dir === '' ? target : target.slice(dir.length + 1);
      const res = ig.test(asDir ? `${rel}/` : rel);
      if (res.ignored) ignored = true;
      else if (res.unignored) ignored = false;
    }
    if (ignored) return true;
  }
  return false;
}
