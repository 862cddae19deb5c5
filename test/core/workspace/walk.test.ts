import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLockstepError } from '../../../electron/core/errors/index.ts';
import { adoptPrestartedPool, prestartStatPool } from '../../../electron/core/workspace/stat-pool.ts';
import { walkDir, type IgnoreMatcher } from '../../../electron/core/workspace/walk.ts';
import { statEntry } from '../../../electron/core/workspace/stat.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

/** A tiny matcher standing in for dvc/dvcignore.ts: ignores *.log files and the directory data/skip; records calls. */
function matcher(): IgnoreMatcher & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    ignores(rel, isDir) {
      seen.push(`${rel}${isDir ? '/' : ''}`);
      return (!isDir && rel.endsWith('.log')) || (isDir && rel === 'data/skip');
    },
  };
}

describe('walkDir', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let repo: string;
  let data: string;
  beforeEach(async () => {
    tmp = await makeTempDir();
    repo = path.join(tmp.dir, 'repo');
    data = path.join(repo, 'data');
    await mkdir(path.join(data, 'a', 'b'), { recursive: true });
    await mkdir(path.join(data, 'skip'), { recursive: true });
    await mkdir(path.join(data, 'empty'), { recursive: true });
    await writeFile(path.join(data, 'top.txt'), 'top');
    await writeFile(path.join(data, 'a', 'b', 'deep.bin'), 'deep!');
    await writeFile(path.join(data, 'a', 'noise.log'), 'log');
    await writeFile(path.join(data, 'skip', 'hidden.txt'), 'hidden');
    await writeFile(path.join(repo, 'elsewhere.txt'), 'inside the repo, outside data');
    await mkdir(path.join(repo, 'otherdir'));
    execFileSync('mkfifo', [path.join(data, 'pipe')]);
  });
  afterEach(async () => tmp.cleanup());

  it('lists regular files with repo-relative ignore matching, skipping ignored dirs, empty dirs and fifos', async () => {
    const ig = matcher();
    const files = await walkDir(data, { repoRoot: repo, ignore: ig });
    expect(files.map((f) => f.relpath).sort()).toEqual(['a/b/deep.bin', 'top.txt']);
    expect(ig.seen).toContain('data/skip/');
    expect(ig.seen).toContain('data/a/noise.log');
    expect(ig.seen).not.toContain('data/skip/hidden.txt');
    const deep = files.find((f) => f.relpath === 'a/b/deep.bin')!;
    const st = await statEntry(deep.absPath);
    expect(deep).toEqual({ relpath: 'a/b/deep.bin', absPath: path.join(data, 'a', 'b', 'deep.bin'), size: 5, inode: st.inode, mtimeNs: st.mtimeNs });
  });

  it('follows file symlinks that resolve inside the repo and skips directory symlinks', async () => {
    await symlink(path.join(repo, 'elsewhere.txt'), path.join(data, 'link.txt'));
    await symlink('../otherdir', path.join(data, 'dirlink'));
    const files = await walkDir(data, { repoRoot: repo, ignore: matcher() });
    expect(files.map((f) => f.relpath).sort()).toEqual(['a/b/deep.bin', 'link.txt', 'top.txt']);
    const link = files.find((f) => f.relpath === 'link.txt')!;
    expect(link.size).toBe('inside the repo, outside data'.length);
    expect(link.inode).toBe((await stat(path.join(repo, 'elsewhere.txt'), { bigint: true })).ino);
  });

  it('refuses a file symlink that resolves outside the repo (PATH_ESCAPE, naming it)', async () => {
    const outside = path.join(tmp.dir, 'outside.txt');
    await writeFile(outside, 'secret');
    await symlink(outside, path.join(data, 'a', 'escape.txt'));
    const err = await walkDir(data, { repoRoot: repo, ignore: matcher() }).catch((e: unknown) => e);
    expect(isLockstepError(err, 'PATH_ESCAPE')).toBe(true);
    expect((err as Error).message).toContain(path.join(data, 'a', 'escape.txt'));
  });

  it('reports a broken symlink as BAD_TARGET naming it', async () => {
    await symlink(path.join(repo, 'gone.txt'), path.join(data, 'broken.txt'));
    const err = await walkDir(data, { repoRoot: repo, ignore: matcher() }).catch((e: unknown) => e);
    expect(isLockstepError(err, 'BAD_TARGET')).toBe(true);
    expect((err as Error).message).toContain(path.join(data, 'broken.txt'));
  });

  it('an ignored broken symlink is not an error', async () => {
    await symlink(path.join(repo, 'gone.txt'), path.join(data, 'broken.log'));
    const files = await walkDir(data, { repoRoot: repo, ignore: matcher() });
    expect(files).toHaveLength(2);
  });

  it('refuses a .dvcignore inside the walked directory (BAD_TARGET)', async () => {
    await writeFile(path.join(data, 'a', '.dvcignore'), '*.tmp\n');
    const err = await walkDir(data, { repoRoot: repo, ignore: matcher() }).catch((e: unknown) => e);
    expect(isLockstepError(err, 'BAD_TARGET')).toBe(true);
    expect((err as Error).message).toContain(path.join(data, 'a', '.dvcignore'));
  });

  it('stats large folders on a worker with the same result, order and errors as on the walking thread', async () => {
    // 5,000 plain files is past the point where the walker hands stats to its worker thread.
    const big = path.join(data, 'big');
    await mkdir(big);
    for (let i = 0; i < 5000; i++) await writeFile(path.join(big, `f${i}.txt`), `file ${i}`);
    await writeFile(path.join(big, 'x.log'), 'ignored');
    await symlink(path.join(repo, 'elsewhere.txt'), path.join(big, 'link.txt'));
    const first = await walkDir(data, { repoRoot: repo, ignore: matcher(), statWorker: 'always' });
    const here = await walkDir(data, { repoRoot: repo, ignore: matcher(), statWorker: 'never' });
    expect(here).toEqual(first); // same files, same stats, same order
    const again = await walkDir(data, { repoRoot: repo, ignore: matcher(), statWorker: 'always' });
    expect(again.map((f) => f.relpath)).toEqual(first.map((f) => f.relpath)); // a stable order
    const rels = first.map((f) => f.relpath);
    expect(rels).toHaveLength(5000 + 3);
    expect(rels).toContain('big/link.txt');
    expect(rels).not.toContain('big/x.log');
    for (const f of first.filter((_, i) => i % 499 === 0 || _.relpath === 'big/link.txt')) {
      const e = await statEntry(f.absPath);
      expect({ inode: f.inode, mtimeNs: f.mtimeNs, size: f.size }).toEqual({ inode: e.inode, mtimeNs: e.mtimeNs, size: e.size });
      expect(f.absPath).toBe(path.join(data, ...f.relpath.split('/')));
    }
    // A broken symlink among them is still BAD_TARGET naming it.
    await symlink(path.join(big, 'gone'), path.join(big, 'broken'));
    for (const statWorker of ['always', 'never'] as const) {
      await expect(walkDir(data, { repoRoot: repo, ignore: matcher(), statWorker })).rejects.toMatchObject({ code: 'BAD_TARGET', data: { path: path.join(big, 'broken') } });
    }
  });

  it('adopts stat workers a command started ahead, only in a walk that may use workers', async () => {
    const big = path.join(data, 'big');
    mkdirSync(big);
    for (let i = 0; i < 5000; i++) writeFileSync(path.join(big, `f${i}.txt`), `file ${i}`);
    const here = await walkDir(data, { repoRoot: repo, ignore: matcher(), statWorker: 'never' });
    prestartStatPool('always');
    expect(await walkDir(data, { repoRoot: repo, ignore: matcher(), statWorker: 'never' })).toEqual(here);
    const left = adoptPrestartedPool(); // a walk told not to use workers left them waiting
    expect(left).toBeDefined();
    left?.close();
    prestartStatPool('always');
    expect(await walkDir(data, { repoRoot: repo, ignore: matcher(), statWorker: 'auto' })).toEqual(here);
    expect(adoptPrestartedPool()).toBeUndefined(); // this walk took them (and closed them when done)
  });

  it('stops with ABORTED when cancelled', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(walkDir(data, { repoRoot: repo, ignore: matcher(), signal: ac.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
