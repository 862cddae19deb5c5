import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLockstepError, type LockstepError } from '../../../electron/core/errors/index.ts';
import { add } from '../../../electron/core/ops/add.ts';
import { makeOpsRepo, md5Of, modeOf, objectPath, type OpsFixture } from './setup.ts';

let fx: OpsFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function fails(p: Promise<unknown>): Promise<LockstepError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  if (!(err instanceof Error)) throw new Error('expected the operation to fail');
  return err as LockstepError;
}

describe('add', () => {
  it('tracks a file exactly as dvc add does: pointer, .gitignore, 0444 cache object, staged', async () => {
    fx = await makeOpsRepo({ foo: 'foo' });
    const r = await add(fx.repo, { targets: ['foo'] });
    expect(r.outputs).toEqual([expect.objectContaining({ path: 'foo', dvcFile: 'foo.dvc', md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3, changed: true, objectsAdded: 1 })]);
    expect(await readFile(fx.git.abs('foo.dvc'), 'utf8')).toBe('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n');
    expect(await readFile(fx.git.abs('.gitignore'), 'utf8')).toBe('/foo\n');
    const obj = objectPath(fx.git.dir, 'acbd18db4cc2f85cedef654fccc4a4d8');
    expect(await readFile(obj, 'utf8')).toBe('foo');
    expect(await modeOf(obj)).toBe(0o444);
    // The workspace file stays a writable regular file with its bytes (default cache.type reflink,copy).
    expect(await readFile(fx.git.abs('foo'), 'utf8')).toBe('foo');
    expect((await modeOf(fx.git.abs('foo'))) & 0o200).toBe(0o200);
    expect(fx.git.git('diff', '--cached', '--name-only').split('\n').sort()).toEqual(['.gitignore', 'foo.dvc']);
  });

  it('tracks a folder: .dir manifest bytes, size and nfiles match DVC', async () => {
    fx = await makeOpsRepo({ 'data/foo': 'foo', 'data/bar': 'bar' });
    const r = await add(fx.repo, { targets: ['data'] });
    expect(r.outputs[0]).toMatchObject({ md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2, objectsAdded: 3 });
    expect(await readFile(fx.git.abs('data.dvc'), 'utf8')).toBe('outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n');
    const manifest = await readFile(objectPath(fx.git.dir, '5ea40360f5b4ec688df672a4db9c17d1.dir'), 'utf8');
    expect(manifest).toBe('[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}]');
    expect(await modeOf(objectPath(fx.git.dir, '37b51d194a7513e45b56f6524f2d51f2'))).toBe(0o444);
    expect(await readFile(fx.git.abs('.gitignore'), 'utf8')).toBe('/data\n');
  });

  it('handles nested targets, exec bits and a .gitignore in a subfolder', async () => {
    fx = await makeOpsRepo({ 'models/run.sh': '#!/bin/sh\n', 'models/deep/weights.bin': Buffer.from([0, 1, 2, 3]) });
    await chmod(fx.git.abs('models/run.sh'), 0o755);
    const r = await add(fx.repo, { targets: ['models/run.sh', 'models/deep'] });
    expect(r.outputs.map((o) => o.dvcFile)).toEqual(['models/run.sh.dvc', 'models/deep.dvc']);
    expect(await readFile(fx.git.abs('models/run.sh.dvc'), 'utf8')).toMatch(/^outs:\n- md5: [0-9a-f]{32}\n {2}size: 10\n {2}isexec: true\n {2}hash: md5\n {2}path: run.sh\n$/);
    expect(await readFile(fx.git.abs('models/.gitignore'), 'utf8')).toBe('/run.sh\n/deep\n');
    expect(fx.git.git('diff', '--cached', '--name-only').split('\n').sort()).toEqual(['models/.gitignore', 'models/deep.dvc', 'models/run.sh.dvc']);
  });

  it('re-adding unchanged data is a no-op that keeps the pointer byte-identical', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a', 'data/b': 'b' });
    await add(fx.repo, { targets: ['data'] });
    const before = await stat(fx.git.abs('data.dvc'), { bigint: true });
    const text = await readFile(fx.git.abs('data.dvc'), 'utf8');
    const again = await add(fx.repo, { targets: ['data'] });
    expect(again.outputs[0]).toMatchObject({ changed: false, objectsAdded: 0 });
    const after = await stat(fx.git.abs('data.dvc'), { bigint: true });
    expect(await readFile(fx.git.abs('data.dvc'), 'utf8')).toBe(text);
    expect(after.mtimeNs).toBe(before.mtimeNs);
    expect(after.ino).toBe(before.ino);
  });

  it('updates the pointer in place (keeping comments and extra keys) when data changed', async () => {
    fx = await makeOpsRepo({ foo: 'foo' });
    await add(fx.repo, { targets: ['foo'] });
    await writeFile(fx.git.abs('foo.dvc'), '# raw data from the lab\nouts:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n  desc: lab export\n');
    await writeFile(fx.git.abs('foo'), 'foo2');
    const r = await add(fx.repo, { targets: ['foo'] });
    expect(r.outputs[0]).toMatchObject({ changed: true, md5: await md5Of(fx.git.abs('foo')), size: 4 });
    expect(await readFile(fx.git.abs('foo.dvc'), 'utf8')).toBe(`# raw data from the lab\nouts:\n- md5: ${await md5Of(fx.git.abs('foo'))}\n  size: 4\n  hash: md5\n  path: foo\n  desc: lab export\n`);
  });

  it('keeps an unchanged legacy 2.x output legacy, and converts it to 3.x when the data changes', async () => {
    // "foo\r\n" hashes (dos2unix) like "foo\n": d3b07384d113edec49eaa6238ad5ff00.
    fx = await makeOpsRepo({ foo: 'foo\r\n' });
    const legacy = 'outs:\n- md5: d3b07384d113edec49eaa6238ad5ff00\n  size: 5\n  path: foo\n';
    await writeFile(fx.git.abs('foo.dvc'), legacy);
    await writeFile(fx.git.abs('.gitignore'), '/foo\n');
    const same = await add(fx.repo, { targets: ['foo'] });
    expect(same.outputs[0]).toMatchObject({ changed: false, hashName: 'md5-dos2unix' });
    expect(await readFile(fx.git.abs('foo.dvc'), 'utf8')).toBe(legacy);
    expect(await readFile(objectPath(fx.git.dir, 'd3b07384d113edec49eaa6238ad5ff00', true), 'utf8')).toBe('foo\r\n');
    await writeFile(fx.git.abs('foo'), 'bar\n');
    const changed = await add(fx.repo, { targets: ['foo'] });
    expect(changed.outputs[0]).toMatchObject({ changed: true, hashName: 'md5', md5: 'c157a79031e1c40f85931829bc5fc552' });
    // The round trip appends the new `hash` key after the existing ones (dvc-format.md §2.4).
    expect(await readFile(fx.git.abs('foo.dvc'), 'utf8')).toBe('outs:\n- md5: c157a79031e1c40f85931829bc5fc552\n  size: 4\n  path: foo\n  hash: md5\n');
    expect(await readFile(objectPath(fx.git.dir, 'c157a79031e1c40f85931829bc5fc552'), 'utf8')).toBe('bar\n');
  });

  it('refuses targets outside the repo, through symlinked folders, tracked by git, ignored, or missing', async () => {
    fx = await makeOpsRepo({ 'real/x.bin': 'x', 'code.py': 'print()', 'skip/me.bin': 'm', '.dvcignore': 'skip/\n' });
    fx.git.commit('code');
    await symlink(fx.git.abs('real'), fx.git.abs('link'));
    const outside = await fails(add(fx.repo, { targets: ['../elsewhere'] }));
    expect(isLockstepError(outside, 'PATH_ESCAPE')).toBe(true);
    const viaLink = await fails(add(fx.repo, { targets: ['link/x.bin'] }));
    expect(viaLink.code).toBe('BAD_TARGET');
    expect(viaLink.message).toContain('symbolically linked folder');
    const tracked = await fails(add(fx.repo, { targets: ['code.py'] }));
    expect(tracked.code).toBe('BAD_TARGET');
    expect(tracked.message).toContain('git rm -r --cached');
    const ignored = await fails(add(fx.repo, { targets: ['skip/me.bin'] }));
    expect(ignored.code).toBe('BAD_TARGET');
    expect(ignored.message).toContain('.dvcignore');
    const missing = await fails(add(fx.repo, { targets: ['nope.csv'] }));
    expect(missing.message).toContain('does not exist');
    const dvcInternal = await fails(add(fx.repo, { targets: ['.dvc/config'] }));
    expect(dvcInternal.code).toBe('BAD_TARGET');
    await expect(stat(fx.git.abs('link/x.bin.dvc'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a target inside or around an already tracked output', async () => {
    fx = await makeOpsRepo({ 'data/a/1': '1', 'data/b': 'b' });
    await add(fx.repo, { targets: ['data/a'] });
    const around = await fails(add(fx.repo, { targets: ['data'] }));
    expect(around.code).toBe('BAD_TARGET');
    expect(around.message).toContain('data/a.dvc');
    const inside = await fails(add(fx.repo, { targets: ['data/a/1'] }));
    expect(inside.code).toBe('BAD_TARGET');
  });

  it('adds an empty folder as the empty manifest', async () => {
    fx = await makeOpsRepo();
    await mkdir(fx.git.abs('empty'));
    const r = await add(fx.repo, { targets: ['empty'] });
    expect(r.outputs[0]).toMatchObject({ md5: 'd751713988987e9331980363e24189ce.dir', size: 0, nfiles: 0 });
    expect(await readFile(objectPath(fx.git.dir, 'd751713988987e9331980363e24189ce.dir'), 'utf8')).toBe('[]');
  });

  it('resolves targets relative to cwd', async () => {
    fx = await makeOpsRepo({ 'sub/file.csv': 'a,b\n' });
    const r = await add(fx.repo, { targets: ['file.csv'], cwd: path.join(fx.git.dir, 'sub') });
    expect(r.outputs[0]?.dvcFile).toBe('sub/file.csv.dvc');
  });
});
