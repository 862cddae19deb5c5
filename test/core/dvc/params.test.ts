import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/thrown.ts';
import { flattenParams, getParam, loadParamsFile } from '../../../electron/core/dvc/params.ts';
import { YamlTimestamp } from '../../../electron/core/dvc/yaml-scalars.ts';
import { fixture } from './fixtures.ts';

describe('loadParamsFile', () => {
  it('reads params.yaml from the example project', () => {
    const p = loadParamsFile(fixture('params.yaml-egs'), 'params.yaml');
    expect(flattenParams(p)).toEqual({
      'prepare.split': 0.2, 'prepare.seed': 20170428, 'featurize.max_features': 200, 'featurize.ngrams': 2,
      'train.seed': 20170428, 'train.n_est': 50, 'train.min_split': 0.01,
    });
  });
  it('chooses the parser by extension (case-insensitive)', () => {
    expect(loadParamsFile('{"a": {"b": [1, 2]}, "c": 1.5}', 'm.JSON')).toEqual({ a: { b: [1, 2] }, c: 1.5 });
    expect(loadParamsFile('title = "x"\n[train]\nlr = 0.01\nepochs = 3\n', 'p.toml')).toEqual({ title: 'x', train: { lr: 0.01, epochs: 3 } });
    expect(loadParamsFile('a: yes\nb: 2023-01-01\nc: 1e-5\n', 'params.yml')).toEqual({ a: 'yes', b: new YamlTimestamp('2023-01-01'), c: 1e-5 });
    expect(loadParamsFile('a: 1\n', 'params.cfg')).toEqual({ a: 1 });
  });
  it('reports parse errors with the file and position', () => {
    const j = thrown(() => loadParamsFile('{"a": 1,\n "b": }', 'metrics.json'));
    expect(j.code).toBe('PARSE_ERROR');
    expect(j.message).toMatch(/^metrics\.json:2:\d+: /);
    const t = thrown(() => loadParamsFile('a = \n', 'p.toml'));
    expect(t.message).toMatch(/^p\.toml:1:\d+: /);
    expect(thrown(() => loadParamsFile('a: [\n', 'params.yaml')).message).toMatch(/^params\.yaml:\d+:\d+: /);
    expect(thrown(() => loadParamsFile('A = 1\n', 'params.py')).message).toContain('Python params files are not supported');
  });
});

describe('flattenParams / getParam', () => {
  it('flattens nested mappings to dotted keys, keeping lists as leaves', () => {
    expect(flattenParams({ a: { b: { c: 1 }, d: [1, { e: 2 }] }, f: null, g: {} })).toEqual({ 'a.b.c': 1, 'a.d': [1, { e: 2 }], f: null });
  });
  it('looks up dotted keys, literal dotted keys and list indexes', () => {
    const p = { prepare: { split: 0.2 }, 'x.y': 3, l: [10, 20] };
    expect(getParam(p, 'prepare.split')).toBe(0.2);
    expect(getParam(p, 'prepare')).toEqual({ split: 0.2 });
    expect(getParam(p, 'x.y')).toBe(3);
    expect(getParam(p, 'l.1')).toBe(20);
    expect(getParam(p, 'prepare.nope')).toBeUndefined();
  });
});
