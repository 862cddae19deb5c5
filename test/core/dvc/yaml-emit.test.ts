import { describe, expect, it } from 'vitest';
import { emitYaml, resolvesToNonString } from '../../../electron/core/dvc/yaml-emit.ts';
import { loadYaml } from '../../../electron/core/dvc/yaml-load.ts';
import { YamlFloat, YamlTimestamp } from '../../../electron/core/dvc/yaml-scalars.ts';

const one = (v: string): string => emitYaml({ k: v }).slice(3, -1);

describe('emitYaml scalar quoting (dvc-format.md §2.8 table)', () => {
  const quoted: [string, string][] = [
    ['2.0', "'2.0'"], ['true', "'true'"], ['True', "'True'"], ['null', "'null'"], ['~', "'~'"], ['', "''"],
    ['123', "'123'"], ['1e3', "'1e3'"], ['0x1F', "'0x1F'"], ['2023-01-01', "'2023-01-01'"], [' lead', "' lead'"],
    ['trail ', "'trail '"], ['a: b', "'a: b'"], ['#x', "'#x'"], ['x #y', "'x #y'"], ['- x', "'- x'"], ['@x', "'@x'"],
    ['*x', "'*x'"], ['? x', "'? x'"], ["'x", '"\'x"'], ['tab\there', '"tab\\there"'],
  ];
  it.each(quoted)('quotes %j as %s', (input, expected) => {
    expect(one(input)).toBe(expected);
  });
  const plain = ['yes', 'no', 'on', 'a:b', 'x#y', '-x', 'a,b', 'path with spaces', 'ünïcode/á.txt', 'emoji😀', "it's", '2023-1-1', 'data.xml'];
  it.each(plain)('leaves %j plain', (input) => {
    expect(one(input)).toBe(input);
  });
  it('double-quotes line breaks and control characters with escapes', () => {
    expect(one('a\nb')).toBe('"a\\nb"');
    expect(one('bell\x07')).toBe('"bell\\a"');
    expect(one('del\x7f')).toBe('"del\\x7F"');
  });
  it('quotes strings ruamel would resolve as merge/value or other YAML 1.2 types', () => {
    for (const s of ['<<', '=', '.inf', '-.Inf', '.NaN', '0o17', '1_000', '+12', '-1.5e+3', 'FALSE', 'NULL', '2001-12-14t21:59:43.10-05:00']) {
      expect(resolvesToNonString(s), s).toBe(true);
    }
    for (const s of ['yes', 'On', '1.2.3', '0x', 'nan', 'inf', '2023-01-1', 'abc']) expect(resolvesToNonString(s), s).toBe(false);
  });
});

describe('emitYaml numbers and nulls', () => {
  it('writes Python float repr lower-cased, ints plain, null empty', () => {
    const text = emitYaml({ a: 0.2, b: 1e-5, c: new YamlFloat(1e17), d: new YamlFloat(42), e: Infinity, f: -Infinity, g: NaN, h: 20170428, i: null, j: true, k: false, l: 1.5e-7, m: 123456789.125 });
    expect(text).toBe('a: 0.2\nb: 1e-05\nc: 1e+17\nd: 42.0\ne: .inf\nf: -.inf\ng: .nan\nh: 20170428\ni:\nj: true\nk: false\nl: 1.5e-07\nm: 123456789.125\n');
  });
  it('writes timestamps plain and they load back as timestamps', () => {
    const text = emitYaml({ d: new YamlTimestamp('2023-01-01'), s: '2023-01-01' });
    expect(text).toBe("d: 2023-01-01\ns: '2023-01-01'\n");
    const v = loadYaml(text, 't.yaml').value as Record<string, unknown>;
    expect(v.d).toBeInstanceOf(YamlTimestamp);
    expect(v.s).toBe('2023-01-01');
  });
});

describe('emitYaml block structure', () => {
  it('matches the §2.3 examples byte for byte', () => {
    expect(emitYaml({ outs: [{ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3, hash: 'md5', path: 'foo' }] })).toBe(
      'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n',
    );
    expect(emitYaml({ outs: [{ md5: '5ea40360f5b4ec688df672a4db9c17d1.dir', size: 6, nfiles: 2, hash: 'md5', path: 'data' }] })).toBe(
      'outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n',
    );
  });
  it('nests mappings by 2, keeps sequences indentless, writes empty collections in flow style', () => {
    const text = emitYaml({ stages: { prepare: { cmd: 'python x.py', deps: ['a', 'b'], params: { 'params.yaml': { 'p.seed': 1 } }, e: [], m: {} } }, nested: [[1, 2], { a: 1, b: [3] }, []] });
    expect(text).toBe(
      'stages:\n  prepare:\n    cmd: python x.py\n    deps:\n    - a\n    - b\n    params:\n      params.yaml:\n        p.seed: 1\n    e: []\n    m: {}\n' +
        'nested:\n- - 1\n  - 2\n- a: 1\n  b:\n  - 3\n- []\n',
    );
  });
  it('skips undefined members and writes raw UTF-8', () => {
    expect(emitYaml({ a: undefined, 'ключ': 'значение' })).toBe('ключ: значение\n');
  });
  it('round-trips through the loader', () => {
    const value = { s: ['x #y', "'x", 'tab\there', 'a\nb', '', ' lead', '0x1F', 'emoji😀'], n: [1, 0.5, null, true] };
    expect(loadYaml(emitYaml(value), 'rt.yaml').value).toEqual(value);
  });
});

describe('emitYaml line folding (ruamel >= 0.18.13)', () => {
  it('wraps before the word that would pass column 80 and keeps the trailing space', () => {
    const long = 'this is a fairly long plain scalar value that will definitely exceed the eighty character limit imposed by yamllint default and relaxed presets';
    expect(emitYaml({ description: long })).toBe(
      'description: this is a fairly long plain scalar value that will definitely \n' +
        '  exceed the eighty character limit imposed by yamllint default and relaxed \n  presets\n',
    );
  });
  it('indents continuation lines by the current indent + 2 inside sequence items', () => {
    const desc = 'word '.repeat(20).trim();
    const text = emitYaml({ outs: [{ path: 'p', desc }] });
    const lines = text.split('\n');
    expect(lines[2]).toBe('  desc: word word word word word word word word word word word word word word ');
    expect(lines[3]).toBe('    word word word word word word');
    expect(loadYaml(text, 'f.yaml').value).toEqual({ outs: [{ path: 'p', desc }] });
  });
  it('moves a single over-long value to its own line, and never folds short values or keys', () => {
    const p = `${'d/'.repeat(40)}file.bin`;
    expect(emitYaml({ path: p })).toBe(`path: \n  ${p}\n`);
    expect(emitYaml({ path: 'x'.repeat(74) })).toBe(`path: ${'x'.repeat(74)}\n`);
    expect(emitYaml({ path: 'x'.repeat(75) })).toBe(`path: \n  ${'x'.repeat(75)}\n`);
    const key = 'k '.repeat(50).trim();
    // The key itself is never split; the value that would pass column 80 moves to the next line.
    expect(emitYaml({ [key]: 1 })).toBe(`${key}: \n  1\n`);
    expect(loadYaml(emitYaml({ [key]: 1 }), 'k.yaml').value).toEqual({ [key]: 1 });
  });
  it('folds quoted scalars PyYAML-style and they load back unchanged', () => {
    const s = `#${' abc'.repeat(30)}`;
    const text = emitYaml({ q: s, d: `'${' abc'.repeat(30)}` });
    expect(text.split('\n').length).toBeGreaterThan(3);
    expect(loadYaml(text, 'q.yaml').value).toEqual({ q: s, d: `'${' abc'.repeat(30)}` });
  });
});
