import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../../../electron/core/repo/open-repo.ts';
import { openRepo } from '../../../electron/core/repo/open-repo.ts';
import { makeGitRepo, type TestGitRepo } from '../../helpers/git-repo.ts';

/** A DVC-initialised git repo plus the opened engine repo; `close` closes both and removes the dir. */
export interface OpsFixture {
  readonly git: TestGitRepo;
  readonly repo: Repo;
  reopen(): Promise<Repo>;
  close(): Promise<void>;
}

/** Builds a fresh repo with `dvc init` files committed and the given extra files written (not committed). */
export async function makeOpsRepo(files: Record<string, string | Buffer> = {}, config?: string): Promise<OpsFixture> {
  const git = await makeGitRepo({ dvc: true });
  if (config !== undefined) await git.write({ '.dvc/config': config });
  await git.write(files);
  const opened: Repo[] = [await openRepo(git.dir)];
  return {
    git,
    get repo() {
      return opened[opened.length - 1] as Repo;
    },
    async reopen() {
      const r = await openRepo(git.dir);
      opened.push(r);
      return r;
    },
    async close() {
      for (const r of opened) r.close();
      await git.cleanup();
    },
  };
}

/** md5 hex of a file's bytes. */
export async function md5Of(abs: string): Promise<string> {
  return createHash('md5').update(await readFile(abs)).digest('hex');
}

/** Absolute path of a 3.x cache object in a repo using the default cache dir. */
export function objectPath(root: string, oid: string, legacy = false): string {
  return legacy ? path.join(root, '.dvc', 'cache', oid.slice(0, 2), oid.slice(2)) : path.join(root, '.dvc', 'cache', 'files', 'md5', oid.slice(0, 2), oid.slice(2));
}

/** Permission bits of a file. */
export async function modeOf(abs: string): Promise<number> {
  return (await stat(abs)).mode & 0o777;
}
