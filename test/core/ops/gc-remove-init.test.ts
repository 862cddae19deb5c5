import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LockstepError } from '../../../electron/core/errors/index.ts';
import { add } from '../../../electron/core/ops/add.ts';
import { gc } from '../../../electron/core/ops/gc.ts';
import { init } from '../../../electron/core/ops/init.ts';
import { remove } from '../../../electron/core/ops/remove.ts';
import { makeGitRepo, type TestGitRepo } from '../../helpers/git-repo.ts';
import { makeOpsRepo, objectPath, type OpsFixture } from './setup.ts';

let fx: OpsFixture | undefined;
let plain: TestGitRepo | undefined;
afterEach(async () => {
  await fx?.close();
  await plain?.cleanup();
  fx = undefined;
  plain = undefined;
});

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

describe('gc', () => {
  it('is a dry run by default, and keeps what the chosen scopes use', async () => {
    fx = await makeOpsRepo({ 'data/a': 'version one', 'data/keep': 'k' });
    await add(fx.repo, { targets: ['data'] });
    const v1 = fx.git.commit('v1');
    fx.git.git('tag', 'v1');
    const v1Dir = (await readFile(fx.git.abs('data.dvc'), 'utf8')).match(/md5: (\S+)/)?.[1] as string;
    await writeFile(fx.git.abs('data/a'), 'version two!');
    await add(fx.repo, { targets: ['data'] });
    fx.git.commit('v2');
    fx.git.git('branch', 'old', v1);
    fx.git.git('tag', '-d', 'v1');

    const dry = await gc(fx.repo);
    expect(dry.dryRun).toBe(true);
    expect(dry.objects.map((o) => o.oid).sort()).toEqual([md5('version one'), v1Dir].sort());
    expect(dry.bytes).toBe('version one'.length + (await stat(objectPath(fx.git.dir, v1Dir))).size);
    expect(await exists(objectPath(fx.git.dir, md5('version one')))).toBe(true);

    expect((await gc(fx.repo, { allBranches: true })).count).toBe(0);
    expect((await gc(fx.repo, { allCommits: true })).count).toBe(0);

    const done = await gc(fx.repo, { force: true });
    expect(done).toMatchObject({ dryRun: false, count: 2 });
    expect(await exists(objectPath(fx.git.dir, md5('version one')))).toBe(false);
    expect(await exists(objectPath(fx.git.dir, v1Dir))).toBe(false);
    // What the workspace uses is untouched, including the files listed by its .dir.
    expect(await exists(objectPath(fx.git.dir, md5('version two!')))).toBe(true);
    expect(await exists(objectPath(fx.git.dir, md5('k')))).toBe(true);
  });

  it('protects objects used by tags and keeps the 3.x and legacy layouts apart', async () => {
    fx = await makeOpsRepo({ foo: 'foo' });
    await add(fx.repo, { targets: ['foo'] });
    fx.git.commit('foo');
    fx.git.git('tag', 'release');
    await writeFile(fx.git.abs('foo'), 'foo v2');
    await add(fx.repo, { targets: ['foo'] });
    // A legacy object with the same name as a used 3.x object is not protected by it, and vice versa.
    const legacyObj = objectPath(fx.git.dir, md5('foo v2'), true);
    await mkdir(path.dirname(legacyObj), { recursive: true });
    await writeFile(legacyObj, 'foo v2');
    const tags = await gc(fx.repo, { allTags: true });
    expect(tags.objects.map((o) => [o.oid, o.hashName])).toEqual([[md5('foo v2'), 'md5-dos2unix']]);
    const ws = await gc(fx.repo);
    expect(ws.objects.map((o) => [o.oid, o.hashName]).sort()).toEqual([[md5('foo'), 'md5'], [md5('foo v2'), 'md5-dos2unix']]);
  });

  it('reads legacy pointers and dvc.lock files in history leniently, keeping their objects', async () => {
    fx = await makeOpsRepo();
    const legacyOid = md5('old data');
    const lockOid = md5('stage out');
    await fx.git.write({ 'old.dvc': `outs:\n- md5: ${legacyOid}\n  path: old\n  metric: false\n`, 'dvc.lock': `schema: '2.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - path: o\n      hash: md5\n      md5: ${lockOid}\n` });
    fx.git.commit('history');
    await rm(fx.git.abs('old.dvc'));
    await rm(fx.git.abs('dvc.lock'));
    fx.git.commit('gone');
    for (const [oid, legacy] of [[legacyOid, true], [lockOid, false]] as const) {
      const p = objectPath(fx.git.dir, oid, legacy);
      await mkdir(path.dirname(p), { recursive: true });
      await writeFile(p, 'x');
    }
    expect((await gc(fx.repo, { allCommits: true })).count).toBe(0);
    expect((await gc(fx.repo)).count).toBe(2);
  });
});

describe('remove', () => {
  it('untracks: deletes the pointer and the .gitignore line, keeps the data, stages the removal', async () => {
    fx = await makeOpsRepo({ foo: 'foo', bar: 'bar' });
    await add(fx.repo, { targets: ['foo', 'bar'] });
    fx.git.commit('track');
    const r = await remove(fx.repo, { targets: ['foo.dvc'] });
    expect(r.untracked).toEqual([{ path: 'foo', dvcFile: 'foo.dvc', dataDeleted: false }]);
    expect(await exists(fx.git.abs('foo.dvc'))).toBe(false);
    expect(await readFile(fx.git.abs('.gitignore'), 'utf8')).toBe('/bar\n');
    expect(await readFile(fx.git.abs('foo'), 'utf8')).toBe('foo');
    expect(fx.git.git('diff', '--cached', '--name-status').split('\n').sort()).toEqual(['D\tfoo.dvc', 'M\t.gitignore']);
    await remove(fx.repo, { targets: ['bar'] });
    expect(await exists(fx.git.abs('.gitignore'))).toBe(false);
  });

  it('with outs, deletes only data that is saved in the cache unless forced', async () => {
    fx = await makeOpsRepo({ foo: 'foo' });
    await add(fx.repo, { targets: ['foo'] });
    await writeFile(fx.git.abs('foo'), 'unsaved edit');
    const err = (await remove(fx.repo, { targets: ['foo'], outs: true }).then(() => undefined, (e: unknown) => e)) as LockstepError;
    expect(err.code).toBe('UNSAVED_CHANGES');
    expect(await exists(fx.git.abs('foo.dvc'))).toBe(true);
    await writeFile(fx.git.abs('foo'), 'foo');
    const r = await remove(fx.repo, { targets: ['foo'], outs: true });
    expect(r.untracked[0]?.dataDeleted).toBe(true);
    expect(await exists(fx.git.abs('foo'))).toBe(false);
  });
});

describe('init', () => {
  it('writes what dvc init writes, stages it, and refuses a second init', async () => {
    plain = await makeGitRepo();
    const r = await init({ dir: plain.dir });
    expect(r.created.sort()).toEqual(['.dvc/.gitignore', '.dvc/config', '.dvcignore']);
    expect(await readFile(path.join(plain.dir, '.dvc/config'), 'utf8')).toBe('');
    expect(await readFile(path.join(plain.dir, '.dvc/.gitignore'), 'utf8')).toBe('/config.local\n/tmp\n/cache\n');
    expect(await readFile(path.join(plain.dir, '.dvcignore'), 'utf8')).toContain('# Add patterns of files dvc should ignore');
    expect(plain.git('diff', '--cached', '--name-only').split('\n').sort()).toEqual(['.dvc/.gitignore', '.dvc/config', '.dvcignore']);
    const again = (await init({ dir: plain.dir }).then(() => undefined, (e: unknown) => e)) as LockstepError;
    expect(again.code).toBe('ALREADY_INITIALISED');
    await mkdir(path.join(plain.dir, 'sub'));
    const sub = (await init({ dir: path.join(plain.dir, 'sub') }).then(() => undefined, (e: unknown) => e)) as LockstepError;
    expect(sub.code).toBe('USAGE');
    expect((await init({ dir: path.join(plain.dir, 'sub'), subdir: true })).root).toBe(path.join(plain.dir, 'sub'));
  });
});
