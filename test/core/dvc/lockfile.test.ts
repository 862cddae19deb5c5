import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/thrown.ts';
import { parseDvcYaml, parseLockfile, serializeLockfile } from '../../../electron/core/dvc/lockfile.ts';
import { getParam, loadParamsFile } from '../../../electron/core/dvc/params.ts';
import { roundTripYaml } from '../../../electron/core/dvc/yaml-roundtrip.ts';
import { lockStageToYaml } from '../../../electron/core/dvc/lockfile.ts';
import { YamlFloat } from '../../../electron/core/dvc/yaml-scalars.ts';
import { fixture } from './fixtures.ts';

describe('dvc.lock', () => {
  it('parses the DVC 3 excerpt and re-serialises it byte for byte', () => {
    const text = fixture('lockfile-excerpt-3x.yaml');
    const lock = parseLockfile(text, 'dvc.lock');
    const st = lock.stages.prepare!;
    expect(st.cmd).toBe('python src/prepare.py data/data.xml');
    expect(st.deps.map((d) => [d.path, d.hashName, d.md5, d.size])).toEqual([
      ['data/data.xml', 'md5', '22a1a2931c8370d3aeedd7183606fd7f', 14445097],
      ['src/prepare.py', 'md5', 'f54d670ac8a4f63206781fc31d1f2651', 2231],
    ]);
    expect(st.outs[0]).toMatchObject({ path: 'data/prepared', md5: '153aad06d376b6595932470e459ef42a.dir', size: 8437363, nfiles: 2 });
    expect(st.params).toEqual({ 'params.yaml': { 'prepare.seed': 20170428, 'prepare.split': 0.2 } });
    expect(serializeLockfile(lock)).toBe(text);
  });
  it('parses the DVC 2 excerpt (legacy entries) and re-serialises it byte for byte', () => {
    const text = fixture('lockfile-excerpt-2x.yaml');
    const lock = parseLockfile(text, 'dvc.lock');
    expect(lock.stages.prepare!.deps.every((d) => d.hashName === 'md5-dos2unix')).toBe(true);
    expect(serializeLockfile(lock)).toBe(text);
  });
  it('sorts deps/outs by path and params with params.yaml first; keeps 1.0 a float', () => {
    const lock = parseLockfile("schema: '2.0'\nstages:\n  s:\n    cmd: [a, b]\n    params:\n      z.yaml:\n        b: 1.0\n        a: x\n      a.json:\n        k: 2\n      params.yaml:\n        lr: 1.0e-3\n    deps:\n    - path: z\n      md5: acbd18db4cc2f85cedef654fccc4a4d8\n    - path: B\n      md5: acbd18db4cc2f85cedef654fccc4a4d8\n", 'dvc.lock');
    expect(lock.stages.s!.params['z.yaml']!.b).toBeInstanceOf(YamlFloat);
    expect(serializeLockfile(lock)).toBe(
      "schema: '2.0'\nstages:\n  s:\n    cmd:\n    - a\n    - b\n    deps:\n    - path: B\n      md5: acbd18db4cc2f85cedef654fccc4a4d8\n    - path: z\n      md5: acbd18db4cc2f85cedef654fccc4a4d8\n" +
        '    params:\n      params.yaml:\n        lr: 0.001\n      a.json:\n        k: 2\n      z.yaml:\n        a: x\n        b: 1.0\n',
    );
  });
  it('records params as DVC does: 0.20 in params.yaml becomes 0.2 in the lock', () => {
    const params = loadParamsFile(fixture('params.yaml-egs'), 'params.yaml', { floats: 'tagged' });
    const lockText = fixture('lockfile-excerpt-3x.yaml');
    const lock = parseLockfile(lockText, 'dvc.lock');
    const st = lock.stages.prepare!;
    st.params['params.yaml'] = { 'prepare.seed': getParam(params, 'prepare.seed'), 'prepare.split': getParam(params, 'prepare.split') };
    expect(serializeLockfile(lock)).toBe(lockText);
  });
  it('updates one stage of an existing lock in place (round trip)', () => {
    const text = fixture('lockfile-excerpt-3x.yaml');
    const lock = parseLockfile(text, 'dvc.lock');
    const st = lock.stages.prepare!;
    st.outs[0]!.md5 = 'd751713988987e9331980363e24189ce.dir';
    const next = { schema: '2.0', stages: { prepare: lockStageToYaml(st) } };
    const out = roundTripYaml(text, 'dvc.lock', next);
    expect(out).toBe(text.replace('153aad06d376b6595932470e459ef42a.dir', 'd751713988987e9331980363e24189ce.dir'));
    expect(roundTripYaml(text, 'dvc.lock', { schema: '2.0', stages: { prepare: lockStageToYaml(parseLockfile(text, 'dvc.lock').stages.prepare!) } })).toBe(text);
  });
  it('rejects DVC 1.x locks, other schemas and unknown keys', () => {
    expect(thrown(() => parseLockfile('prepare:\n  cmd: x\n', 'dvc.lock')).message).toContain('DVC 1.x');
    expect(thrown(() => parseLockfile("schema: '3.0'\nstages: {}\n", 'dvc.lock')).message).toContain("'2.0'");
    expect(thrown(() => parseLockfile('schema: 2.0\nstages: {}\n', 'dvc.lock')).code).toBe('SCHEMA_ERROR');
    const e = thrown(() => parseLockfile("schema: '2.0'\nstages:\n  s:\n    cmd: x\n    outs:\n    - path: o\n      cache: false\n", 'dvc.lock'));
    expect(e.message).toMatch(/^dvc\.lock:7: stages\.s\.outs\[0\]\.cache: unknown key/);
  });
});

describe('dvc.yaml', () => {
  it('parses the real stage', () => {
    const y = parseDvcYaml(fixture('dvc.yaml-excerpt.yaml'), 'dvc.yaml');
    expect(y.stages.prepare).toMatchObject({
      name: 'prepare', cmd: 'python src/prepare.py data/data.xml', deps: ['data/data.xml', 'src/prepare.py'],
      params: [{ file: 'params.yaml', keys: ['prepare.seed', 'prepare.split'] }],
      outs: [{ path: 'data/prepared', cache: true, persist: false, push: true }],
    });
  });
  it('reads flags, params files, metrics, plots and top-level lists', () => {
    const y = parseDvcYaml(
      'params:\n- custom.yaml\nmetrics:\n- eval/metrics.json\nplots:\n- eval/plots.csv\nstages:\n  train:\n    cmd: python train.py\n    params:\n    - lr\n    - custom.yaml:\n      - a.b\n    - whole.json:\n    outs:\n    - model.pkl:\n        cache: false\n        persist: true\n        push: false\n        remote: r\n    metrics:\n    - m.json:\n        cache: false\n    plots:\n    - p.csv:\n        x: step\n        y: loss\n',
      'dvc.yaml',
    );
    const t = y.stages.train!;
    expect(y.params).toEqual(['custom.yaml']);
    expect(y.metrics).toEqual(['eval/metrics.json']);
    expect(t.params).toEqual([{ file: 'params.yaml', keys: ['lr'] }, { file: 'custom.yaml', keys: ['a.b'] }, { file: 'whole.json', keys: null }]);
    expect(t.outs[0]).toMatchObject({ path: 'model.pkl', cache: false, persist: true, push: false, remote: 'r' });
    expect(t.metrics[0]).toMatchObject({ path: 'm.json', cache: false });
    expect(t.plots[0]).toMatchObject({ path: 'p.csv', extra: { x: 'step', y: 'loss' } });
  });
  it('expands foreach and matrix stages to the name@key names of dvc.lock', () => {
    const y = parseDvcYaml(
      'stages:\n  build:\n    foreach: [us, eu]\n    do:\n      cmd: make ${item}\n      outs:\n      - out/${item}.bin\n' +
        '  train:\n    foreach:\n      small: {lr: 0.1}\n      big: {lr: 0.01}\n    do:\n      cmd: train --lr ${item.lr} --name ${key}\n' +
        '  fit:\n    foreach:\n    - {n: 1}\n    - {n: 2}\n    do:\n      cmd: fit ${item.n}\n' +
        '  grid:\n    matrix:\n      model: [cnn, rnn]\n      seed: [1, 2]\n    cmd: run ${item.model} ${item.seed}\n' +
        '  dyn:\n    foreach: ${models}\n    do:\n      cmd: x ${item}\n',
      'dvc.yaml',
    );
    expect(Object.keys(y.stages)).toEqual(['build@us', 'build@eu', 'train@small', 'train@big', 'fit@0', 'fit@1', 'grid@cnn-1', 'grid@cnn-2', 'grid@rnn-1', 'grid@rnn-2', 'dyn']);
    expect(y.stages['build@eu']).toMatchObject({ cmd: 'make eu', outs: [{ path: 'out/eu.bin' }], template: { kind: 'foreach', base: 'build', key: 'eu' } });
    expect(y.stages['train@big']!.cmd).toBe('train --lr 0.01 --name big');
    expect(y.stages['fit@1']!.cmd).toBe('fit 2');
    expect(y.stages['grid@rnn-2']!.cmd).toBe('run rnn 2');
    expect(y.stages.dyn!.unresolved).toBe(true);
  });
  it('rejects unknown stage keys with file and line', () => {
    const e = thrown(() => parseDvcYaml('stages:\n  s:\n    cmd: x\n    outz: []\n', 'dvc.yaml'));
    expect(e.code).toBe('SCHEMA_ERROR');
    expect(e.message).toMatch(/^dvc\.yaml:4: /);
    expect(e.message).toContain('outz');
  });
});
