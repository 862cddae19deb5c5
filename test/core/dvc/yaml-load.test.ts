import { describe, expect, it } from 'vitest';
import { LockstepError } from '../../../electron/core/errors/index.ts';
import { loadYaml } from '../../../electron/core/dvc/yaml-load.ts';
import { YamlFloat, YamlTimestamp } from '../../../electron/core/dvc/yaml-scalars.ts';

function parseError(text: string, file = 'bad.yaml'): LockstepError {
  try {
    loadYaml(text, file);
  } catch (err) {
    if (err instanceof LockstepError) return err;
    throw err;
  }
  throw new Error('expected a PARSE_ERROR');
}

describe('loadYaml types (YAML 1.2 core like ruamel safe)', () => {
  it('keeps yes/no/on as strings, reads 1e-5 as a float and dates as timestamps', () => {
    const v = loadYaml('a: yes\nb: no\nc: on\nd: 1e-5\ne: 2023-01-01\nf: 2023-1-1\ng: 0x1F\nh: ~\ni: 0.20\nj: "2023-01-01"\n', 'p.yaml').value;
    expect(v).toEqual({ a: 'yes', b: 'no', c: 'on', d: 1e-5, e: new YamlTimestamp('2023-01-01'), f: '2023-1-1', g: 31, h: null, i: 0.2, j: '2023-01-01' });
    const ts = (v as Record<string, YamlTimestamp>).e as YamlTimestamp;
    expect(ts.date.toISOString()).toBe('2023-01-01T00:00:00.000Z');
    expect(new YamlTimestamp('2001-12-14t21:59:43.10-05:00').date.toISOString()).toBe('2001-12-15T02:59:43.100Z');
  });
  it('tags integral floats only when asked', () => {
    expect(loadYaml('a: 1.0\nb: 1\nc: 2.5\n', 'p.yaml').value).toEqual({ a: 1, b: 1, c: 2.5 });
    const tagged = loadYaml('a: 1.0\nb: 1\nc: 2.5\nd: "1.0"\n', 'p.yaml', { floats: 'tagged' }).value as Record<string, unknown>;
    expect(tagged.a).toBeInstanceOf(YamlFloat);
    expect(tagged.b).toBe(1);
    expect(tagged.c).toBe(2.5);
    expect(tagged.d).toBe('1.0');
  });
  it('resolves aliases and merge keys', () => {
    expect(loadYaml('base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n', 'm.yaml').value).toEqual({ base: { x: 1, y: 2 }, d: { x: 1, y: 3 } });
  });
  it('reports key positions for messages', () => {
    const l = loadYaml('outs:\n- md5: x\n  path: p\n', 'f.dvc');
    expect(l.locate(['outs', 0, 'path'], true)).toEqual({ line: 3, column: 3 });
  });
});

describe('loadYaml errors', () => {
  it('rejects duplicate keys naming file and line', () => {
    const e = parseError('a: 1\nb: 2\na: 3\n', 'data.dvc');
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.message).toMatch(/^data\.dvc:3:1: /);
    expect(e.data).toMatchObject({ file: 'data.dvc', line: 3, column: 1 });
  });
  it('reports malformed YAML with file:line:col', () => {
    const e = parseError('outs:\n- md5: x\n  path: [unclosed\nnext: 1\n', 'x/y.dvc');
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.message).toMatch(/^x\/y\.dvc:\d+:\d+: /);
    expect(e.data.file).toBe('x/y.dvc');
    expect(typeof e.data.line).toBe('number');
  });
  it('reports a bad indentation on the right line', () => {
    const e = parseError('a:\n  - x\n b: 2\n');
    expect(e.data.line).toBe(3);
  });
});
