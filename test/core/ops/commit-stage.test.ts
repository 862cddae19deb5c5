import { readFile, stat, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { manifestOid, serializeManifest } from '../../../electron/core/dvc/manifest.ts';
import { commit } from '../../../electron/core/ops/commit.ts';
import { status } from '../../../electron/core/ops/status.ts';
import { makeOpsRepo, md5Of, objectPath, type OpsFixture } from './setup.ts';

let fx: OpsFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const PIPELINE = `stages:
  prepare:
    cmd: python prep.py
    deps:
    - data/raw.csv
    outs:
    - data/prepared
  train:
    cmd: python src/train.py
    deps:
    - data/prepared
    - src/train.py
    params:
    - train.lr
    - seed
    outs:
    - model.bin
    metrics:
    - metrics.json:
        cache: false
`;

const FILES = {
  'params.yaml': 'train:\n  lr: 0.01\n  epochs: 10\nseed: 7\n',
  'data/raw.csv': 'a,b\n1,2\n',
  'data/prepared/x.csv': 'x\n1\n',
  'data/prepared/y.csv': 'y\n22\n',
  'src/train.py': "print('train')\n",
  'model.bin': 'weights v2',
  'metrics.json': '{"acc": 0.75}\n',
  'dvc.yaml': PIPELINE,
};

/** What DVC records for the fixture as it is on disk (deps/outs sorted by path, params sorted, §7.2). */
async function expectedLock(f: OpsFixture): Promise<string> {
  const abs = (p: string): string => f.git.abs(p);
  const manifest = serializeManifest([
    { relpath: 'x.csv', md5: await md5Of(abs('data/prepared/x.csv')) },
    { relpath: 'y.csv', md5: await md5Of(abs('data/prepared/y.csv')) },
  ]);
  const dir = `      hash: md5\n      md5: ${manifestOid(manifest)}\n      size: 9\n      nfiles: 2\n`;
  const file = async (p: string): Promise<string> => `      hash: md5\n      md5: ${await md5Of(abs(p))}\n      size: ${(await stat(abs(p))).size}\n`;
  return [
    '# written by dvc repro\n',
    "schema: '2.0'\n",
    'stages:\n',
    '  prepare:\n    cmd: python prep.py\n    deps:\n    - path: data/raw.csv\n', await file('data/raw.csv'),
    '    outs:\n    - path: data/prepared\n', dir,
    '  train:\n    cmd: python src/train.py\n    deps:\n    - path: data/prepared\n', dir,
    '    - path: src/train.py\n', await file('src/train.py'),
    '    params:\n      params.yaml:\n        seed: 7\n        train.lr: 0.01\n',
    '    outs:\n    - path: metrics.json\n', await file('metrics.json'),
    '    - path: model.bin\n', await file('model.bin'),
  ].join('');
}

/**
 * The lock as left by an earlier run: `prepare` current, `train` recorded before its deps and params were
 * declared and before model and metrics changed, with a comment inside it (DVC drops those: the stage is
 * assigned whole).
 */
async function staleLock(f: OpsFixture): Promise<string> {
  const current = await expectedLock(f);
  const at = current.indexOf('  train:\n');
  return `${current.slice(0, at)}  train:
    cmd: python src/train.py
    # an older run
    outs:
    - path: metrics.json
      hash: md5
      md5: 11111111111111111111111111111111
      size: 14
    - path: model.bin
      hash: md5
      md5: 22222222222222222222222222222222
      size: 10
`;
}

describe('commit of dvc.lock stages', () => {
  it('without --force skips a changed stage output and leaves dvc.lock alone', async () => {
    fx = await makeOpsRepo(FILES);
    const stale = await staleLock(fx);
    await writeFile(fx.git.abs('dvc.lock'), stale);
    const r = await commit(fx.repo, { targets: ['model.bin'] });
    expect(r.outputs).toEqual([expect.objectContaining({ path: 'model.bin', action: 'skipped', reason: expect.stringContaining('lockstep commit --force') })]);
    expect(await readFile(fx.git.abs('dvc.lock'), 'utf8')).toBe(stale);
    expect(r.staged).toEqual([]);
  });

  it('with --force records the whole stage as dvc commit -f does: deps, params and outs, byte for byte', async () => {
    fx = await makeOpsRepo(FILES);
    await writeFile(fx.git.abs('dvc.lock'), await staleLock(fx));
    const r = await commit(fx.repo, { targets: ['model.bin'], force: true });
    expect(await readFile(fx.git.abs('dvc.lock'), 'utf8')).toBe(await expectedLock(fx));
    expect(r.outputs.map((o) => [o.path, o.action])).toEqual([['model.bin', 'updated'], ['metrics.json', 'updated']]);
    expect(r.staged).toEqual(['dvc.lock']);
    expect(fx.git.git('diff', '--cached', '--name-only')).toBe('dvc.lock');
    // The cached output is in the cache; the `cache: false` metric is recorded but not cached.
    await expect(stat(objectPath(fx.git.dir, await md5Of(fx.git.abs('model.bin'))))).resolves.toBeTruthy();
    await expect(stat(objectPath(fx.git.dir, await md5Of(fx.git.abs('metrics.json'))))).rejects.toMatchObject({ code: 'ENOENT' });
    const s = await status(fx.repo, { targets: ['model.bin'] });
    expect(s.outputs[0]?.state).toBe('ok');
    // Recording again finds nothing to change.
    const again = await commit(fx.repo, { force: true });
    expect(again.staged).toEqual([]);
    expect(again.outputs.every((o) => o.action === 'unchanged' || (o.path === 'data/prepared' && o.action === 'saved'))).toBe(true);
  });

  it('records nothing of a stage whose params key or output is missing, and says why', async () => {
    fx = await makeOpsRepo(FILES);
    const stale = await staleLock(fx);
    await writeFile(fx.git.abs('dvc.lock'), stale);
    await writeFile(fx.git.abs('params.yaml'), 'train:\n  epochs: 10\nseed: 7\n');
    const r = await commit(fx.repo, { targets: ['model.bin'], force: true });
    expect(r.outputs.map((o) => o.action)).toEqual(['skipped', 'skipped']);
    expect(r.outputs[0]?.reason).toContain('parameter train.lr is not in params.yaml');
    expect(await readFile(fx.git.abs('dvc.lock'), 'utf8')).toBe(stale);
    await writeFile(fx.git.abs('dvc.yaml'), PIPELINE.replace('  train:', '  training:'));
    const r2 = await commit(fx.repo, { targets: ['model.bin'], force: true });
    expect(r2.outputs[0]?.reason).toContain("stage 'train' is not in dvc.yaml");
    expect(await readFile(fx.git.abs('dvc.lock'), 'utf8')).toBe(stale);
  });
});
