import { readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { add } from '../../../electron/core/ops/add.ts';
import { commit } from '../../../electron/core/ops/commit.ts';
import { status } from '../../../electron/core/ops/status.ts';
import { makeTempDir } from '../../helpers/tmp.ts';
import { makeOpsRepo, md5Of, objectPath, type OpsFixture } from './setup.ts';

let fx: OpsFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('status', () => {
  it('reports ok, modified with file-level detail, missing and not-in-cache', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a', 'data/b': 'b', 'data/sub/c': 'c', model: 'weights' });
    await add(fx.repo, { targets: ['data', 'model'] });
    expect((await status(fx.repo)).clean).toBe(true);

    await writeFile(fx.git.abs('data/a'), 'A!');
    await rm(fx.git.abs('data/b'));
    await writeFile(fx.git.abs('data/new'), 'n');
    await rm(fx.git.abs('model'));
    const s = await status(fx.repo);
    expect(s.clean).toBe(false);
    const data = s.outputs.find((o) => o.path === 'data');
    expect(data).toMatchObject({ state: 'modified', changes: { added: ['new'], deleted: ['b'], modified: ['a'] }, source: { kind: 'dvcfile', file: 'data.dvc' } });
    expect(s.outputs.find((o) => o.path === 'model')?.state).toBe('missing');

    await writeFile(fx.git.abs('model'), 'weights');
    const obj = objectPath(fx.git.dir, await md5Of(fx.git.abs('model')));
    await rm(obj, { force: true });
    const s2 = await status(fx.repo, { targets: ['model'] });
    expect(s2.outputs).toEqual([expect.objectContaining({ path: 'model', state: 'not-in-cache', missingObjects: 1 })]);
  });

  it('uses the state index: a file whose inode, mtime and size are unchanged is not read again', async () => {
    fx = await makeOpsRepo({ 'data.csv': 'x,y\n1,2\n' });
    const when = new Date('2024-01-02T03:04:05Z');
    await utimes(fx.git.abs('data.csv'), when, when);
    await add(fx.repo, { targets: ['data.csv'] });
    const ino = (await stat(fx.git.abs('data.csv'))).ino;
    // Same size, same inode, mtime put back: only a re-read could notice, and the index says not to.
    await writeFile(fx.git.abs('data.csv'), 'x,y\n3,4\n');
    await utimes(fx.git.abs('data.csv'), when, when);
    expect((await stat(fx.git.abs('data.csv'))).ino).toBe(ino);
    expect((await status(fx.repo)).outputs[0]?.state).toBe('ok');
    // A real modification (new mtime) is seen.
    await utimes(fx.git.abs('data.csv'), new Date(), new Date());
    expect((await status(fx.repo)).outputs[0]?.state).toBe('modified');
  });

  it('counts dvc.lock stage outputs, including legacy 2.x ones, as tracked', async () => {
    fx = await makeOpsRepo({ 'out/model.pkl': 'model', 'metrics.json': '{"acc": 1}' });
    const modelMd5 = await md5Of(fx.git.abs('out/model.pkl'));
    await writeFile(fx.git.abs('dvc.lock'), `schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    outs:\n    - path: out/model.pkl\n      hash: md5\n      md5: ${modelMd5}\n      size: 5\n    - path: metrics.json\n      md5: 0123456789abcdef0123456789abcdef\n      size: 10\n`);
    const s = await status(fx.repo);
    expect(s.outputs.map((o) => [o.path, o.state, o.source.stage])).toEqual([
      ['metrics.json', 'modified', 'train'],
      ['out/model.pkl', 'not-in-cache', 'train'],
    ]);
    // commit caches a stage output that matches the lock, and reports one that changed.
    const c = await commit(fx.repo);
    expect(c.outputs.find((o) => o.path === 'out/model.pkl')).toMatchObject({ action: 'saved', objectsAdded: 1 });
    expect(c.outputs.find((o) => o.path === 'metrics.json')).toMatchObject({ action: 'skipped' });
    expect((await status(fx.repo, { targets: ['out/model.pkl'] })).outputs[0]?.state).toBe('ok');
  });

  it('names file and line for malformed pointer YAML and refuses paths escaping the repo', async () => {
    fx = await makeOpsRepo({ 'bad.dvc': 'outs:\n- md5: abc\n  path: x\n   size: [\n' });
    const err = await status(fx.repo).then(() => undefined, (e: unknown) => e as { code: string; message: string; data: Record<string, unknown> });
    expect(err?.code).toBe('PARSE_ERROR');
    expect(err?.message).toContain('bad.dvc');
    expect(err?.data.line).toBeTypeOf('number');
    await rm(fx.git.abs('bad.dvc'));
    await writeFile(fx.git.abs('unknown.dvc'), 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: x\n  colour: red\n');
    const schema = await status(fx.repo).then(() => undefined, (e: unknown) => e as { code: string; message: string });
    expect(schema?.code).toBe('SCHEMA_ERROR');
    expect(schema?.message).toMatch(/unknown\.dvc:4/);
    await rm(fx.git.abs('unknown.dvc'));
    for (const p of ['../outside', '/etc/passwd', 'a/../../x']) {
      await writeFile(fx.git.abs('esc.dvc'), `outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  hash: md5\n  path: ${p}\n`);
      const e = await status(fx.repo).then(() => undefined, (x: unknown) => x as { code: string; message: string });
      expect(e?.code, p).toBe('PATH_ESCAPE');
      expect(e?.message).toContain('esc.dvc');
    }
    // Through a symlinked folder that leads outside the repository.
    const outside = await makeTempDir();
    try {
      await symlink(outside.dir, fx.git.abs('ext'));
      await writeFile(fx.git.abs('esc.dvc'), 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  hash: md5\n  path: ext/data\n');
      const e = await status(fx.repo).then(() => undefined, (x: unknown) => x as { code: string; message: string });
      expect(e?.code).toBe('PATH_ESCAPE');
      expect(e?.message).toContain('symlink');
    } finally {
      await outside.cleanup();
    }
  });
});

describe('commit', () => {
  it('records a modified folder: new objects cached, pointer updated in place and staged', async () => {
    fx = await makeOpsRepo({ 'data/a': 'a', 'data/b': 'b' });
    await add(fx.repo, { targets: ['data'] });
    fx.git.commit('track data');
    await writeFile(fx.git.abs('data/c'), 'c');
    const r = await commit(fx.repo);
    expect(r.outputs).toEqual([expect.objectContaining({ path: 'data', action: 'updated', objectsAdded: 2 })]);
    expect(r.staged).toEqual(['data.dvc']);
    const text = await readFile(fx.git.abs('data.dvc'), 'utf8');
    expect(text).toContain('nfiles: 3');
    expect(text).toContain('size: 3');
    expect((await status(fx.repo)).clean).toBe(true);
    expect(fx.git.git('diff', '--cached', '--name-only')).toBe('data.dvc');
    const again = await commit(fx.repo);
    expect(again.outputs[0]?.action).toBe('unchanged');
  });

  it('skips an output that is missing from the workspace without touching its pointer', async () => {
    fx = await makeOpsRepo({ foo: 'foo' });
    await add(fx.repo, { targets: ['foo'] });
    const before = await readFile(fx.git.abs('foo.dvc'), 'utf8');
    await rm(fx.git.abs('foo'));
    const r = await commit(fx.repo);
    expect(r.outputs[0]).toMatchObject({ action: 'skipped', reason: 'missing from the workspace' });
    expect(await readFile(fx.git.abs('foo.dvc'), 'utf8')).toBe(before);
  });
});
