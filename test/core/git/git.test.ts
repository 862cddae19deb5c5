import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLockstepError } from '../../../electron/core/errors/index.ts';
import { listFilesAt, readBlobAt, readBlobByOid } from '../../../electron/core/git/read-at.ts';
import type { TreeMemo } from '../../../electron/core/git/read-at.ts';
import { currentBranchName, headOid, listAllCommits, listBranchRefs, listTagRefs } from '../../../electron/core/git/refs.ts';
import { findGitRoot } from '../../../electron/core/git/repo-root.ts';
import { gitAdd, gitRemove, gitStageState } from '../../../electron/core/git/stage.ts';
import { isIgnoredByGit, isTrackedByGit, trackedUnder } from '../../../electron/core/git/tracked.ts';
import { makeGitRepo, type TestGitRepo } from '../../helpers/git-repo.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

let repo: TestGitRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe('git/', () => {
  it('finds the git root from a nested directory and refuses a plain folder', async () => {
    repo = await makeGitRepo({ files: { 'a/b/c.txt': 'x' } });
    expect(await findGitRoot(repo.abs('a/b'))).toBe(repo.dir);
    const tmp = await makeTempDir();
    try {
      const err = await findGitRoot(tmp.dir).catch((e: unknown) => e);
      expect(isLockstepError(err, 'NOT_A_GIT_REPO')).toBe(true);
    } finally {
      await tmp.cleanup();
    }
  });

  it('stages additions and removals that the git CLI sees', async () => {
    repo = await makeGitRepo({ files: { 'keep.txt': 'k', 'old.txt': 'o' } });
    await repo.write({ 'data.dvc': 'outs: []\n', 'sub/.gitignore': '/data\n' });
    await gitAdd(repo.dir, ['data.dvc', 'sub/.gitignore']);
    await rm(repo.abs('old.txt'));
    await gitRemove(repo.dir, ['old.txt']);
    const staged = repo.git('diff', '--cached', '--name-status').split('\n').sort();
    expect(staged).toEqual(['A\tdata.dvc', 'A\tsub/.gitignore', 'D\told.txt']);
    await rm(repo.abs('data.dvc'));
    await gitStageState(repo.dir, [{ path: 'data.dvc', exists: false }, { path: 'keep.txt', exists: true }]);
    expect(repo.git('diff', '--cached', '--name-status').split('\n').sort()).toEqual(['A\tsub/.gitignore', 'D\told.txt']);
  });

  it('knows which paths git tracks, including directories, and which it ignores', async () => {
    repo = await makeGitRepo({ files: { 'code/train.py': 'print(1)', '.gitignore': '/ignored\n', 'codex.txt': 'y' } });
    expect(await isTrackedByGit(repo.dir, 'code/train.py')).toBe(true);
    expect(await isTrackedByGit(repo.dir, 'code')).toBe(true);
    expect(await isTrackedByGit(repo.dir, 'cod')).toBe(false);
    expect(await trackedUnder(repo.dir, 'code')).toEqual(['code/train.py']);
    expect(await isTrackedByGit(repo.dir, 'data')).toBe(false);
    expect(await isIgnoredByGit(repo.dir, 'ignored')).toBe(true);
    expect(await isIgnoredByGit(repo.dir, 'other')).toBe(false);
  });

  it('lists branches, tags (annotated too), HEAD and every commit', async () => {
    repo = await makeGitRepo({ files: { 'a.txt': '1' } });
    const c1 = repo.git('rev-parse', 'HEAD');
    repo.git('tag', 'v1');
    await repo.write({ 'a.txt': '2' });
    const c2 = repo.commit('two');
    repo.git('tag', '-a', 'v2', '-m', 'annotated');
    repo.git('checkout', '-q', '-b', 'side', c1);
    await repo.write({ 'b.txt': 'side' });
    const c3 = repo.commit('side');
    repo.git('checkout', '-q', 'main');
    expect(await headOid(repo.dir)).toBe(c2);
    expect(await currentBranchName(repo.dir)).toBe('main');
    const branches = await listBranchRefs(repo.dir);
    expect(branches.map((b) => [b.name, b.oid]).sort()).toEqual([['main', c2], ['side', c3]]);
    const tags = await listTagRefs(repo.dir);
    expect(tags.map((t) => [t.name, t.oid]).sort()).toEqual([['v1', c1], ['v2', c2]]);
    expect((await listAllCommits(repo.dir)).sort()).toEqual([c1, c2, c3].sort());
  });

  it('reads blobs and lists matching files at a commit, reusing a memo across commits', async () => {
    repo = await makeGitRepo({ files: { 'data.dvc': 'v1', 'sub/deep/model.dvc': 'm', 'sub/dvc.lock': 'l', 'x.txt': 'x' } });
    const c1 = repo.git('rev-parse', 'HEAD');
    await repo.write({ 'data.dvc': 'v2' });
    const c2 = repo.commit('update');
    expect(Buffer.from((await readBlobAt(repo.dir, c1, 'data.dvc')) ?? []).toString()).toBe('v1');
    expect(Buffer.from((await readBlobAt(repo.dir, c2, 'data.dvc')) ?? []).toString()).toBe('v2');
    expect(await readBlobAt(repo.dir, c1, 'nope.dvc')).toBeNull();
    const memo: TreeMemo = new Map();
    const want = (n: string): boolean => n.endsWith('.dvc') || n === 'dvc.lock';
    const at1 = await listFilesAt(repo.dir, c1, want, { memo });
    expect(at1.map((f) => f.path).sort()).toEqual(['data.dvc', 'sub/deep/model.dvc', 'sub/dvc.lock']);
    const at2 = await listFilesAt(repo.dir, c2, want, { memo });
    const lock = at2.find((f) => f.path === 'sub/dvc.lock');
    expect(lock).toBeDefined();
    expect(Buffer.from(await readBlobByOid(repo.dir, lock?.oid ?? '')).toString()).toBe('l');
    expect(at2.find((f) => f.path === 'data.dvc')?.oid).not.toBe(at1.find((f) => f.path === 'data.dvc')?.oid);
  });

  it('reports a missing commit as GIT_ERROR', async () => {
    repo = await makeGitRepo({ files: { 'a.txt': '1' } });
    await mkdir(path.join(repo.dir, 'x'), { recursive: true });
    await writeFile(path.join(repo.dir, 'x', 'y'), 'z');
    const err = await listFilesAt(repo.dir, '0'.repeat(40), () => true).catch((e: unknown) => e);
    expect(isLockstepError(err, 'GIT_ERROR')).toBe(true);
  });
});
