import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/thrown.ts';
import { manifestOid, parseManifest, serializeManifest } from '../../../electron/core/dvc/manifest.ts';
import type { ManifestEntry } from '../../../electron/core/dvc/manifest.ts';
import { compareCodePoints, pyFloatRepr, pyJsonDumps } from '../../../electron/core/dvc/py-json.ts';
import { stageMd5 } from '../../../electron/core/dvc/stage-md5.ts';

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
const tree = (files: Record<string, string>): ManifestEntry[] => Object.entries(files).map(([relpath, content]) => ({ relpath, md5: md5(content), size: Buffer.byteLength(content) }));
const oidOf = (files: Record<string, string>): string => manifestOid(serializeManifest(tree(files)));

describe('file hashes of §3.4', () => {
  it('match the upstream vectors', () => {
    expect(md5('foo')).toBe('acbd18db4cc2f85cedef654fccc4a4d8');
    expect(md5('bar')).toBe('37b51d194a7513e45b56f6524f2d51f2');
    expect(md5('one')).toBe('f97c5d29941bfb1b2fdab0874906ab82');
    expect(md5('two')).toBe('b8a9f715dbb64fd5c56e7783c6820a61');
  });
});

describe('serializeManifest / manifestOid (§3.3, §3.4)', () => {
  it('writes the literal manifest of {one, two}', () => {
    expect(serializeManifest(tree({ two: 'two', one: 'one' })).toString()).toBe(
      '[{"md5": "f97c5d29941bfb1b2fdab0874906ab82", "relpath": "one"}, {"md5": "b8a9f715dbb64fd5c56e7783c6820a61", "relpath": "two"}]',
    );
    expect(oidOf({ one: 'one', two: 'two' })).toBe('6b18131dc289fd37006705affe961ef8.dir');
  });
  it('matches every directory vector computable from content', () => {
    expect(oidOf({ foo: 'foo', bar: 'bar' })).toBe('5ea40360f5b4ec688df672a4db9c17d1.dir');
    expect(serializeManifest(tree({ foo: 'foo', bar: 'bar' })).toString()).toBe(
      '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}]',
    );
    expect(oidOf({ foo: 'foo', bar: 'bar', 'subdir/data': 'data' })).toBe('8761c4e9acad696bee718615e23e22db.dir');
    expect(oidOf({ file: 'text1', 'subdir/file2': 'text2' })).toBe('cb58ee07cb01044db229e4d6121a0dfc.dir');
    expect(oidOf({ '.gitignore': '/foo\n', bar: 'bar', foo: 'foo' })).toBe('e1d9e8eae5374860ae025ec84cfd85c7.dir');
    expect(oidOf({ '.gitignore': '/foo\r\n', bar: 'bar', foo: 'foo' })).toBe('0d2086760aea091f1504eafc8843bb18.dir');
    expect(serializeManifest([]).toString()).toBe('[]');
    expect(manifestOid(serializeManifest([]))).toBe('d751713988987e9331980363e24189ce.dir');
  });
  it('escapes and sorts unicode names exactly like Python (derived with json.dumps)', () => {
    const files: Record<string, string> = {
      'ünïcode/á.txt': 'u', 'emoji😀.bin': 'e', 'tab\there': 't', 'quote"back\\slash': 'q', 'del\x7f': 'd', 'a b': '1', 'a-b': '2',
      'a.b': '3', 'a/b': '4', a0: '5', A: '6', '\ue000x': 'p', '\u{1F600}y': 'q2', 'new\nline': 'n', 'ctl\x01': 'c',
    };
    const bytes = serializeManifest(tree(files));
    expect(bytes.toString()).toBe(
      '[{"md5": "1679091c5a880faf6fb5e6087eb1b2dc", "relpath": "A"}, {"md5": "c4ca4238a0b923820dcc509a6f75849b", "relpath": "a b"}, ' +
        '{"md5": "c81e728d9d4c2f636f067f89cc14862c", "relpath": "a-b"}, {"md5": "eccbc87e4b5ce2fe28308fd9f2a7baf3", "relpath": "a.b"}, ' +
        '{"md5": "a87ff679a2f3e71d9181a67b7542122c", "relpath": "a/b"}, {"md5": "e4da3b7fbbce2345d7772b0674a318d5", "relpath": "a0"}, ' +
        '{"md5": "4a8a08f09d37b73795649038408b5f33", "relpath": "ctl\\u0001"}, {"md5": "8277e0910d750195b448797616e091ad", "relpath": "del\\u007f"}, ' +
        '{"md5": "e1671797c52e15f763380b45e841ec32", "relpath": "emoji\\ud83d\\ude00.bin"}, {"md5": "7b8b965ad4bca0e41ab51de7b31363a1", "relpath": "new\\nline"}, ' +
        '{"md5": "7694f4a66316e53c8cdd9d9954bd611d", "relpath": "quote\\"back\\\\slash"}, {"md5": "e358efa489f58062f10dd7316b65649e", "relpath": "tab\\there"}, ' +
        '{"md5": "7b774effe4a349c6dd82ad4f4f21d34c", "relpath": "\\u00fcn\\u00efcode/\\u00e1.txt"}, {"md5": "83878c91171338902e0fe0fb97a8c47a", "relpath": "\\ue000x"}, ' +
        '{"md5": "74d502a7131cdac90eecdfb0531c4e87", "relpath": "\\ud83d\\ude00y"}]',
    );
    expect(manifestOid(bytes)).toBe('86a8fd4fa5e78aba37f49f5514143492.dir');
  });
  it('sorts by code point, not UTF-16 unit', () => {
    expect(['\u{1F600}', '\ue000', 'z', 'Z'].sort(compareCodePoints)).toEqual(['Z', 'z', '\ue000', '\u{1F600}']);
  });
  it('refuses duplicate paths', () => {
    expect(thrown(() => serializeManifest([{ relpath: 'a', md5: 'x' }, { relpath: 'a', md5: 'y' }])).code).toBe('INTERNAL');
  });
});

describe('parseManifest', () => {
  it('reads entries, accepts extra keys, lower-cases md5', () => {
    const bytes = Buffer.from('[{"md5": "ACBD18DB4CC2F85CEDEF654FCCC4A4D8", "relpath": "a/b", "isexec": true, "size": 3}]');
    expect(parseManifest(bytes, 'x.dir')).toEqual([{ relpath: 'a/b', md5: 'acbd18db4cc2f85cedef654fccc4a4d8', size: 3 }]);
    const round = serializeManifest(tree({ 'ü/é': 'x', b: 'y' }));
    expect(serializeManifest(parseManifest(round, 'r.dir')).equals(round)).toBe(true);
  });
  it('calls a non-array or malformed manifest corrupted', () => {
    expect(thrown(() => parseManifest(Buffer.from('{"md5": "x"}'), 'abc.dir')).code).toBe('CORRUPT_OBJECT');
    expect(thrown(() => parseManifest(Buffer.from('[{"relpath": 1}]'), 'abc.dir')).code).toBe('CORRUPT_OBJECT');
    expect(thrown(() => parseManifest(Buffer.from('not json'), 'abc.dir')).message).toContain('abc.dir');
  });
  it('refuses paths that escape the directory, naming the manifest', () => {
    for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '', 'a/./b', 'a/']) {
      const e = thrown(() => parseManifest(Buffer.from(JSON.stringify([{ md5: 'acbd18db4cc2f85cedef654fccc4a4d8', relpath: bad }])), '1234.dir'));
      expect(e.code, bad).toBe('PATH_ESCAPE');
      expect(e.message).toContain('1234.dir');
    }
  });
});

describe('Python JSON and float repr', () => {
  it('formats floats like repr()', () => {
    const cases: [number, string][] = [[0.2, '0.2'], [1e-5, '1e-05'], [1e17, '1e+17'], [42, '42.0'], [1e16, '1e+16'], [1e15, '1000000000000000.0'], [0.0001, '0.0001'], [-1.5e-7, '-1.5e-07'], [123.456, '123.456'], [-0, '-0.0'], [5e-324, '5e-324']];
    for (const [x, s] of cases) expect(pyFloatRepr(x), s).toBe(s);
  });
  it('dumps with sorted keys and Python separators', () => {
    expect(pyJsonDumps({ b: [1, 0.5, true, null], a: 'é' })).toBe('{"a": "\\u00e9", "b": [1, 0.5, true, null]}');
  });
});

describe('stageMd5 (§2.5)', () => {
  it('hashes the documented object to the documented value', () => {
    const dict = {
      md5: 'f5ea021eddd7b1df6de80b904cba1da6', frozen: true,
      deps: [{ path: 'get-started/data.xml', repo: { url: 'https://github.com/iterative/dataset-registry', rev_lock: 'f59388cd04276e75d70b2136597aaa27e7937cc3' } }],
      outs: [{ md5: '22a1a2931c8370d3aeedd7183606fd7f', size: 14445097, hash: 'md5', path: 'data.xml' }],
    };
    expect(stageMd5(dict)).toBe('f5ea021eddd7b1df6de80b904cba1da6');
    expect(stageMd5({ ...dict, desc: 'x', meta: { a: 1 }, wdir: '.' })).toBe('f5ea021eddd7b1df6de80b904cba1da6');
    expect(stageMd5({ ...dict, wdir: '..' })).not.toBe('f5ea021eddd7b1df6de80b904cba1da6');
  });
});
