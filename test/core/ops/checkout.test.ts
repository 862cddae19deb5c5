import { chmod, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { LockstepError } from '../../../electron/core/errors/index.ts';
import { add } from '../../../electron/core/ops/add.ts';
import { checkout } from '../../../electron/core/ops/checkout.ts';
import { status } from '../../../electron/core/ops/status.ts';
import { makeOpsRepo, md5Of, modeOf, objectPath, type OpsFixture } from './setup.ts';

let fx: OpsFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('checkout', () => {
  it('restores deleted files and folders from the cache, writable, and is then a no-op', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a', 'data/sub/b': 'b', foo: 'foo' });
    await add(fx.repo, { targets: ['data', 'foo'] });
    await rm(fx.git.abs('data'), { recursive: true });
    await rm(fx.git.abs('foo'));
    const r = await checkout(fx.repo);
    expect(r.outputs.map((o) => [o.path, o.created])).toEqual([['data', 2], ['foo', 1]]);
    expect(await readFile(fx.git.abs('data/sub/b'), 'utf8')).toBe('b');
    expect(await readFile(fx.git.abs('foo'), 'utf8')).toBe('foo');
    expect((await modeOf(fx.git.abs('foo'))) & 0o200).toBe(0o200);
    expect((await status(fx.repo)).clean).toBe(true);
    const again = await checkout(fx.repo);
    expect(again.outputs.every((o) => o.created + o.replaced + o.deleted === 0)).toBe(true);
  });

  it('goes back to an older version after git checkout of the pointer', async () => {
    fx = await makeOpsRepo({ 'data/a': 'v1', 'data/old': 'o' });
    await add(fx.repo, { targets: ['data'] });
    const v1 = fx.git.commit('v1');
    await writeFile(fx.git.abs('data/a'), 'v2');
    await rm(fx.git.abs('data/old'));
    await writeFile(fx.git.abs('data/new'), 'n');
    await add(fx.repo, { targets: ['data'] });
    fx.git.commit('v2');
    fx.git.git('checkout', '-q', v1, '--', 'data.dvc');
    const r = await checkout(fx.repo);
    expect(r.outputs[0]).toMatchObject({ created: 1, replaced: 1, deleted: 1 });
    expect(await readFile(fx.git.abs('data/a'), 'utf8')).toBe('v1');
    expect(await readFile(fx.git.abs('data/old'), 'utf8')).toBe('o');
    await expect(stat(fx.git.abs('data/new'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops before touching anything when files with unsaved bytes would be lost, listing them', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a', 'data/b': 'b', foo: 'foo' });
    await add(fx.repo, { targets: ['data', 'foo'] });
    await writeFile(fx.git.abs('data/a'), 'precious edit');
    await writeFile(fx.git.abs('data/extra'), 'new results');
    await rm(fx.git.abs('data/b'));
    await writeFile(fx.git.abs('foo'), 'changed foo');
    const err = (await checkout(fx.repo).then(() => undefined, (e: unknown) => e)) as LockstepError;
    expect(err.code).toBe('UNSAVED_CHANGES');
    expect((err.data.files as string[]).sort()).toEqual(['data/a', 'data/extra', 'foo']);
    expect(err.message).toContain('data/extra');
    // Nothing was touched: not even the deleted file that could have been restored.
    expect(await readFile(fx.git.abs('data/a'), 'utf8')).toBe('precious edit');
    expect(await readFile(fx.git.abs('data/extra'), 'utf8')).toBe('new results');
    await expect(stat(fx.git.abs('data/b'))).rejects.toMatchObject({ code: 'ENOENT' });

    const saved = await checkout(fx.repo, { saveUnsaved: true });
    expect(saved.saved.sort()).toEqual(['data/a', 'data/extra', 'foo']);
    expect(await readFile(fx.git.abs('data/a'), 'utf8')).toBe('a');
    expect(await readFile(fx.git.abs('data/b'), 'utf8')).toBe('b');
    await expect(stat(fx.git.abs('data/extra'))).rejects.toMatchObject({ code: 'ENOENT' });
    // The edits are recoverable from the cache.
    const preciousMd5 = (await import('node:crypto')).createHash('md5').update('precious edit').digest('hex');
    expect(await readFile(objectPath(fx.git.dir, preciousMd5), 'utf8')).toBe('precious edit');
  });

  it('with force, overwrites unsaved files without saving them', async () => {
    fx = await makeOpsRepo({ foo: 'foo' });
    await add(fx.repo, { targets: ['foo'] });
    await writeFile(fx.git.abs('foo'), 'scratch');
    const r = await checkout(fx.repo, { force: true });
    expect(r.discarded).toEqual(['foo']);
    expect(await readFile(fx.git.abs('foo'), 'utf8')).toBe('foo');
    const scratchMd5 = (await import('node:crypto')).createHash('md5').update('scratch').digest('hex');
    await expect(stat(objectPath(fx.git.dir, scratchMd5))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never checks out a corrupt object: it is reported and quarantined, the file not created', async () => {
    fx = await makeOpsRepo({ foo: 'foo', bar: 'bar' });
    await add(fx.repo, { targets: ['foo', 'bar'] });
    const obj = objectPath(fx.git.dir, 'acbd18db4cc2f85cedef654fccc4a4d8');
    await chmod(obj, 0o644);
    await writeFile(obj, 'rotten bytes');
    await rm(fx.git.abs('foo'));
    await rm(fx.git.abs('bar'));
    const r = await checkout(fx.repo);
    expect(r.failed).toEqual([expect.objectContaining({ path: 'foo', reason: 'corrupt', objects: ['acbd18db4cc2f85cedef654fccc4a4d8'] })]);
    await expect(stat(fx.git.abs('foo'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(fx.git.abs('bar'), 'utf8')).toBe('bar');
    const quarantined = await readdir(`${fx.git.dir}/.dvc/cache/quarantine`);
    expect(quarantined).toHaveLength(1);
    // With --verify even a read-only (trusted) corrupt object is caught.
    await add(fx.repo, { targets: ['bar'] });
    const barObj = objectPath(fx.git.dir, '37b51d194a7513e45b56f6524f2d51f2');
    await chmod(barObj, 0o644);
    await writeFile(barObj, 'BAR');
    await chmod(barObj, 0o444);
    await rm(fx.git.abs('bar'));
    const v = await checkout(fx.repo, { targets: ['bar'], verify: true });
    expect(v.failed.map((f) => [f.path, f.reason])).toEqual([['bar', 'corrupt']]);
    await expect(stat(fx.git.abs('bar'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports missing objects and leaves that output alone', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a', 'data/b': 'b' });
    await add(fx.repo, { targets: ['data'] });
    await rm(objectPath(fx.git.dir, await md5Of(fx.git.abs('data/b'))), { force: true });
    await rm(fx.git.abs('data/b'));
    const r = await checkout(fx.repo);
    expect(r.failed).toEqual([expect.objectContaining({ path: 'data', reason: 'missing' })]);
    expect(await readFile(fx.git.abs('data/a'), 'utf8')).toBe('a');
  });

  it('restores the exec bit of a file output and relinks with hardlinks when configured', async () => {
    fx = await makeOpsRepo({ 'run.sh': '#!/bin/sh\necho hi\n', big: 'payload' }, '[cache]\n    type = hardlink,copy\n');
    await chmod(fx.git.abs('run.sh'), 0o755);
    await add(fx.repo, { targets: ['run.sh', 'big'] });
    // Hardlink config: the workspace file became a link to the read-only cache object.
    const bigObj = objectPath(fx.git.dir, await md5Of(fx.git.abs('big')));
    expect((await stat(fx.git.abs('big'))).ino).toBe((await stat(bigObj)).ino);
    await chmod(fx.git.abs('run.sh'), 0o644);
    const r = await checkout(fx.repo);
    expect(r.outputs.find((o) => o.path === 'run.sh')?.chmodded).toBe(1);
    expect((await modeOf(fx.git.abs('run.sh'))) & 0o100).toBe(0o100);
    await rm(fx.git.abs('big'));
    await checkout(fx.repo);
    expect((await stat(fx.git.abs('big'))).ino).toBe((await stat(bigObj)).ino);
  });

  it('replaces a file with the recorded folder when the type changed, once the file is saved', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a' });
    await add(fx.repo, { targets: ['data'] });
    await rm(fx.git.abs('data'), { recursive: true });
    await writeFile(fx.git.abs('data'), 'a file now');
    const err = (await checkout(fx.repo).then(() => undefined, (e: unknown) => e)) as LockstepError;
    expect(err.code).toBe('UNSAVED_CHANGES');
    await checkout(fx.repo, { saveUnsaved: true });
    expect(await readFile(fx.git.abs('data/a'), 'utf8')).toBe('a');
  });
});
