import { lstat, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { IgnoreMatcher } from '../dvc/dvcignore.ts';
import { LockstepError, fromFsError } from '../errors/index.ts';
import { isTrackedByGit } from '../git/tracked.ts';
import type { TrackedOutput } from '../repo/outputs.ts';

/** A validated `add` target. */
export interface AddTarget {
  readonly absPath: string;
  /** Repo-relative POSIX path. */
  readonly relPath: string;
  readonly isDir: boolean;
  /** The pointer file that tracks it: `<dir>/<name>.dvc`, repo-relative POSIX. */
  readonly dvcFileRel: string;
  readonly dvcFileAbs: string;
}

/**
 * Checks that `target` (relative to `cwd`, or absolute) can be tracked: it exists inside the repository,
 * not through a symlinked directory, is not itself a symlink, not inside `.dvc`/`.git`, not ignored by
 * `.dvcignore`, not tracked by git, and does not overlap another tracked output. BAD_TARGET or
 * PATH_ESCAPE otherwise, with a message that says what to do.
 */
export async function resolveAddTarget(
  repo: { root: string; gitDir: string },
  cwd: string,
  target: string,
  ctx: { ignore: IgnoreMatcher; outputs: readonly TrackedOutput[] },
): Promise<AddTarget> {
  const absPath = path.resolve(cwd, target).replace(/[\\/]+$/, '') || path.sep;
  const rel = path.relative(repo.root, absPath);
  if (rel === '' ) throw bad(target, 'is the repository itself; add a file or folder inside it');
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new LockstepError('PATH_ESCAPE', `${target} is outside the repository ${repo.root}. Move or copy the data into the repository, then add it.`, { path: target, root: repo.root });
  }
  const relPath = rel.split(path.sep).join('/');
  const first = relPath.split('/')[0];
  if (first === '.dvc' || first === '.git' || relPath.split('/').includes('.git')) throw bad(target, 'is inside Lockstep/DVC or git internals');
  if (relPath.endsWith('.dvc') || path.posix.basename(relPath) === 'dvc.lock' || path.posix.basename(relPath) === 'dvc.yaml') {
    throw bad(target, 'is a DVC metadata file; add the data it describes instead');
  }

  const realRoot = await realpath(repo.root).catch((err: unknown) => { throw fromFsError(err, repo.root, 'read'); });
  const parent = path.dirname(absPath);
  let realParent: string;
  try {
    realParent = await realpath(parent);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw bad(target, 'does not exist');
    throw fromFsError(err, parent, 'read');
  }
  const expectedParent = path.join(realRoot, path.dirname(rel));
  if (realParent !== expectedParent) {
    const outside = path.relative(realRoot, realParent).startsWith('..');
    if (outside) throw new LockstepError('PATH_ESCAPE', `${target} is reached through a symbolic link that leads outside the repository (${realParent}). Add the data at its real location inside the repository.`, { path: target, resolved: realParent });
    throw bad(target, `is inside a symbolically linked folder (it really lives in ${realParent}); add it at its real location`);
  }

  let lst;
  try {
    lst = await lstat(absPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw bad(target, 'does not exist');
    throw fromFsError(err, absPath, 'read');
  }
  if (lst.isSymbolicLink()) {
    const to = await stat(absPath).then((s) => (s.isDirectory() ? 'folder' : 'file'), () => 'missing target');
    throw bad(target, `is a symbolic link (to a ${to}); add the real ${to === 'folder' ? 'folder' : 'file'} instead`);
  }
  if (!lst.isFile() && !lst.isDirectory()) throw bad(target, 'is not a regular file or folder');
  const isDir = lst.isDirectory();

  if (ctx.ignore.ignores(relPath, isDir)) throw bad(target, 'is excluded by a .dvcignore rule; remove the rule to track it');
  const dvcFileRel = `${relPath}.dvc`;
  for (const o of ctx.outputs) {
    if (o.source.kind === 'dvcfile' && o.source.file === dvcFileRel && o.relPath === relPath) continue;
    if (o.relPath === relPath) throw bad(target, `is already tracked by ${describeSource(o)}`);
    if (relPath.startsWith(`${o.relPath}/`)) throw bad(target, `is inside ${o.relPath}, which is already tracked by ${describeSource(o)}`);
    if (o.relPath.startsWith(`${relPath}/`)) throw bad(target, `contains ${o.relPath}, which is already tracked by ${describeSource(o)}; remove that first`);
  }
  // After the overlap checks: a folder holding tracked outputs also holds their git-tracked .dvc files.
  if (await isTrackedByGit(repo.gitDir, path.relative(repo.gitDir, absPath).split(path.sep).join('/'))) {
    throw bad(target, `is already tracked by git. Stop tracking it in git first: git rm -r --cached "${relPath}", then add it again`);
  }

  return { absPath, relPath, isDir, dvcFileRel, dvcFileAbs: `${absPath}.dvc` };
}

function describeSource(o: TrackedOutput): string {
  return o.source.kind === 'lock' ? `stage '${o.source.stage ?? '?'}' in ${o.source.file}` : o.source.file;
}

function bad(target: string, why: string): LockstepError {
  return new LockstepError('BAD_TARGET', `Cannot add ${target}: it ${why}.`, { path: target });
}
