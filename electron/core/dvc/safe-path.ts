/**
 * The one place an untrusted relative path (from a `.dvc` file, `dvc.lock`, a `.dir` manifest, a CLI argument)
 * becomes an absolute path. Everything that could point outside the repository is refused with PATH_ESCAPE.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { LockstepError } from '../errors/index.ts';

/** Options for `checkRelPosix`. */
export interface RelPathRules {
  /** Accept `.` segments (`./data`); manifests never contain them, CLI arguments might. Default false. */
  allowDot?: boolean;
  /** Platform rules to apply; defaults to the running platform (win32 also refuses `\` and drive letters). */
  platform?: NodeJS.Platform;
}

/**
 * Validates a repo-relative POSIX path without touching the disk: refuses empty paths, NUL, absolute paths
 * (`/x`, `C:\x`, `\\server`), `..` and empty segments, and on Windows backslashes and drive prefixes (where `\`
 * is a separator, so `a\..\..\x` would escape). `what` names the source in the message ("manifest abc.dir").
 */
export function checkRelPosix(rel: string, what: string, rules: RelPathRules = {}): void {
  const platform = rules.platform ?? process.platform;
  const refuse = (why: string): never => {
    throw new LockstepError('PATH_ESCAPE', `${what}: the path ${JSON.stringify(rel)} ${why}. Lockstep only follows paths that stay inside the repository; fix or remove this entry.`, { path: rel, what });
  };
  if (typeof rel !== 'string' || rel === '') refuse('is empty');
  if (rel.includes('\0')) refuse('contains a NUL character');
  if (rel.startsWith('/')) refuse('is absolute');
  if (platform === 'win32') {
    if (rel.includes('\\')) refuse('contains a backslash, which is a path separator on Windows');
    if (/^[A-Za-z]:/.test(rel)) refuse('starts with a drive letter');
    if (/[:*?"<>|]/.test(rel)) refuse('contains a character Windows does not allow in file names');
  }
  for (const seg of rel.split('/')) {
    if (seg === '..') refuse('goes up with ".."');
    if (seg === '') refuse('has an empty path segment');
    if (seg === '.' && !rules.allowDot) refuse('has a "." segment');
  }
}

/**
 * Resolves `relPosix` inside `root` and returns the absolute native path. Refuses what `checkRelPosix` refuses,
 * and paths whose nearest existing ancestor resolves (through symlinks) outside `root` -> PATH_ESCAPE naming `what`.
 * The target itself may be a symlink; callers that follow it check its target separately.
 */
export function resolveInside(root: string, relPosix: string, what: string): string {
  checkRelPosix(relPosix, what, { allowDot: true });
  const rootAbs = path.resolve(root);
  const abs = path.resolve(rootAbs, ...relPosix.split('/'));
  if (!isInside(rootAbs, abs)) {
    throw new LockstepError('PATH_ESCAPE', `${what}: the path ${JSON.stringify(relPosix)} points outside the repository.`, { path: relPosix, what });
  }
  const realRoot = existsSync(rootAbs) ? realpathSync.native(rootAbs) : rootAbs;
  let parent = path.dirname(abs);
  while (!existsSync(parent) && parent !== rootAbs && isInside(rootAbs, parent)) parent = path.dirname(parent);
  if (existsSync(parent)) {
    const realParent = realpathSync.native(parent);
    if (!isInside(realRoot, realParent)) {
      throw new LockstepError('PATH_ESCAPE', `${what}: the path ${JSON.stringify(relPosix)} goes through a symlink that leads outside the repository (${realParent}).`, { path: relPosix, what, resolved: realParent });
    }
  }
  return abs;
}

/**
 * Resolves an output path written in a `.dvc` file or a stage: `path` is relative to the directory of the
 * file (`dvcFileRel`, repo-relative POSIX) plus its `wdir`. Returns the normalised repo-relative POSIX path;
 * one that leaves the repository -> PATH_ESCAPE naming the file.
 */
export function resolveOutputPath(dvcFileRel: string, wdir: string | undefined, outPath: string): string {
  const what = dvcFileRel;
  if (outPath.includes('\0') || (wdir ?? '').includes('\0')) {
    throw new LockstepError('PATH_ESCAPE', `${what}: an output path contains a NUL character.`, { path: outPath, what });
  }
  if (path.posix.isAbsolute(outPath) || /^[A-Za-z]:[\\/]/.test(outPath) || (wdir !== undefined && path.posix.isAbsolute(wdir))) {
    throw new LockstepError('PATH_ESCAPE', `${what}: the output path ${JSON.stringify(outPath)} is absolute; Lockstep only tracks data inside the repository.`, { path: outPath, what });
  }
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(dvcFileRel), wdir ?? '.', outPath));
  const rel = joined.replace(/\/+$/, '');
  if (rel === '..' || rel.startsWith('../') || rel === '.' || rel === '') {
    throw new LockstepError('PATH_ESCAPE', `${what}: the output path ${JSON.stringify(outPath)} points outside the repository (or at its root).`, { path: outPath, what });
  }
  return rel;
}

/** True when `child` equals `parent` or lies below it (both absolute, native). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
