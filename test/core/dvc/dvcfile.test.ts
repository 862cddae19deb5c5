import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { thrown } from '../../helpers/thrown.ts';
import { dvcFileToDict, parseDvcFile, serializeDvcFile, updateDvcFileText } from '../../../electron/core/dvc/dvcfile.ts';
import { stageMd5 } from '../../../electron/core/dvc/stage-md5.ts';
import { resolveOutputPath } from '../../../electron/core/dvc/safe-path.ts';
import { fixture, fixtureDir, sharedFixtureDir } from './fixtures.ts';

describe('fixture copies', () => {
  it('are identical to the shared originals when those are present', () => {
    const names = readdirSync(fixtureDir);
    expect(names).toContain('egs-06ea489-data.xml.dvc');
    if (existsSync(sharedFixtureDir)) {
      for (const n of readdirSync(sharedFixtureDir)) {
        expect(readFileSync(path.join(fixtureDir, n), 'utf8'), n).toBe(readFileSync(path.join(sharedFixtureDir, n), 'utf8'));
      }
    }
  });
});

describe('parseDvcFile on real files', () => {
  it('reads a DVC 3 add pointer and re-serialises it byte for byte', () => {
    const text = fixture('egs-b1a30e6-data.xml.dvc');
    const d = parseDvcFile(text, 'data.xml.dvc');
    expect(d.outs).toEqual([{ path: 'data.xml', md5: '22a1a2931c8370d3aeedd7183606fd7f', size: 14445097, hashName: 'md5', cache: true, push: true, extra: {} }]);
    expect(serializeDvcFile(d)).toBe(text);
    expect(updateDvcFileText(text, d)).toBe(text);
  });
  it('reads a DVC 3 import pointer: stage md5, frozen, repo dep', () => {
    const text = fixture('egs-06ea489-data.xml.dvc');
    const d = parseDvcFile(text, 'data.xml.dvc');
    expect(d.md5).toBe('f5ea021eddd7b1df6de80b904cba1da6');
    expect(d.frozen).toBe(true);
    expect(d.deps).toEqual([{ path: 'get-started/data.xml', repo: { url: 'https://github.com/iterative/dataset-registry', rev_lock: 'f59388cd04276e75d70b2136597aaa27e7937cc3' } }]);
    expect(serializeDvcFile(d)).toBe(text);
    expect(stageMd5(dvcFileToDict(d))).toBe('f5ea021eddd7b1df6de80b904cba1da6');
  });
  it('reads a DVC 2 import pointer (legacy) and keeps its bytes on an unchanged re-save', () => {
    const text = fixture('egs-a7e0c7d-data.xml.dvc');
    const d = parseDvcFile(text, 'data.xml.dvc');
    expect(d.outs[0]?.hashName).toBe('md5-dos2unix');
    expect(d.outs[0]?.desc).toBe('Imported raw data (tracks source updates)');
    expect(stageMd5(dvcFileToDict(d))).toBe('d2911bdd6156002c3eb8b931b8268593');
    expect(updateDvcFileText(text, d)).toBe(text);
    // A fresh dump orders the repo keys url, rev, rev_lock (the real file has rev_lock first).
    expect(serializeDvcFile(d)).toBe(text.replace(
      '    rev_lock: cf6481baf56f156aa0876709cc231aaf3f3a3c29\n    rev: get-started-40K\n',
      '    rev: get-started-40K\n    rev_lock: cf6481baf56f156aa0876709cc231aaf3f3a3c29\n',
    ));
  });
  it('reads a DVC 1/2 add pointer (legacy, no size) byte-identically', () => {
    const text = fixture('egs-85439cf-data.xml.dvc');
    const d = parseDvcFile(text, 'data.xml.dvc');
    expect(d.outs[0]).toMatchObject({ md5: 'a304afb96060aad90176268345e10355', hashName: 'md5-dos2unix', path: 'data.xml' });
    expect(d.outs[0]?.size).toBeUndefined();
    expect(serializeDvcFile(d)).toBe(text);
  });
  it('refuses the DVC 0.x pointer with a message saying so and how to fix it', () => {
    const e = thrown(() => parseDvcFile(fixture('egs-00f7eff-data.xml.dvc'), 'data.xml.dvc'));
    expect(e.code).toBe('SCHEMA_ERROR');
    expect(e.message).toContain('data.xml.dvc:7');
    expect(e.message).toContain('DVC 0.x');
    expect(e.message).toContain('lockstep add');
    expect(e.data.reason).toBe('dvc0');
  });
});

describe('parseDvcFile validation', () => {
  it('names file, key and line for unknown keys', () => {
    const e = thrown(() => parseDvcFile('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: foo\n  colour: red\n', 'foo.dvc'));
    expect(e.code).toBe('SCHEMA_ERROR');
    expect(e.message).toMatch(/^foo\.dvc:4: outs\[0\]\.colour: unknown key `colour`/);
    expect(e.data).toMatchObject({ file: 'foo.dvc', line: 4 });
    const top = thrown(() => parseDvcFile('cmdx: 1\nouts: []\n', 'top.dvc'));
    expect(top.message).toMatch(/^top\.dvc:1: .*unknown key `cmdx`/);
  });
  it('rejects wrong types and a missing path', () => {
    expect(thrown(() => parseDvcFile('outs:\n- md5: abc\n  size: many\n  path: x\n', 'a.dvc')).message).toContain('outs[0].size');
    expect(thrown(() => parseDvcFile('outs:\n- md5: abc\n', 'a.dvc')).message).toContain('path');
    expect(thrown(() => parseDvcFile('outs:\n- md5: ab\n  path: x\n', 'a.dvc')).message).toContain('too short');
    expect(thrown(() => parseDvcFile('outs:\n- path: x\n  hash: sha256\n', 'a.dvc')).message).toContain('sha256');
    expect(thrown(() => parseDvcFile('', 'empty.dvc')).message).toContain('empty');
  });
  it('lower-cases md5, coerces ints, turns "" into null and accepts hash without md5', () => {
    const d = parseDvcFile('outs:\n- md5: ACBD18DB4CC2F85CEDEF654FCCC4A4D8\n  path: a\n- md5: ""\n  hash: md5\n  path: b\n- hash: md5\n  path: c\n- md5: 12345\n  path: d\n', 'x.dvc');
    expect(d.outs.map((o) => o.md5)).toEqual(['acbd18db4cc2f85cedef654fccc4a4d8', null, null, '12345']);
    expect(serializeDvcFile({ outs: [d.outs[2]!], raw: {} })).toBe('outs:\n- hash: md5\n  path: c\n');
  });
  it('keeps flags and extra keys in DVC order on a fresh dump', () => {
    const d = parseDvcFile('outs:\n- push: false\n  remote: r2\n  persist: true\n  cache: false\n  labels: [a]\n  type: model\n  desc: d\n  path: m.pkl\n  hash: md5\n  isexec: true\n  size: 3\n  md5: acbd18db4cc2f85cedef654fccc4a4d8\n', 'm.dvc');
    expect(serializeDvcFile(d)).toBe(
      'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  isexec: true\n  hash: md5\n  path: m.pkl\n  desc: d\n  type: model\n  labels:\n  - a\n  cache: false\n  persist: true\n  remote: r2\n  push: false\n',
    );
  });
});

describe('updateDvcFileText round trip', () => {
  it('appends hash: md5 to a legacy output (order md5, size, path, hash)', () => {
    const old = 'outs:\n- md5: a304afb96060aad90176268345e10355\n  size: 3\n  path: data.xml\n';
    const d = parseDvcFile(old, 'data.xml.dvc');
    const out = d.outs[0]!;
    out.hashName = 'md5';
    out.md5 = 'acbd18db4cc2f85cedef654fccc4a4d8';
    expect(updateDvcFileText(old, d)).toBe('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  path: data.xml\n  hash: md5\n');
  });
  it('keeps comments and existing order, drops removed keys, normalises indentation', () => {
    const old = '# pointer for the raw data\nouts:\n    # the one output\n    -   path: data.xml  # keep me\n        md5: a304afb96060aad90176268345e10355\n        size: 3\n        desc: old\n';
    const d = parseDvcFile(old, 'd.dvc');
    const out = d.outs[0]!;
    delete out.desc;
    out.size = 5;
    expect(updateDvcFileText(old, d)).toBe(
      '# pointer for the raw data\nouts:\n    # the one output\n- path: data.xml  # keep me\n  md5: a304afb96060aad90176268345e10355\n  size: 5\n',
    );
  });
  it('returns the old text unchanged (CRLF too) when the data did not change', () => {
    const old = 'outs:\r\n- md5: a304afb96060aad90176268345e10355\r\n  path: data.xml\r\n';
    const d = parseDvcFile(old, 'd.dvc');
    expect(updateDvcFileText(old, d)).toBe(old);
    d.outs[0]!.size = 9;
    expect(updateDvcFileText(old, d)).toBe('outs:\r\n- md5: a304afb96060aad90176268345e10355\r\n  path: data.xml\r\n  size: 9\r\n');
  });
});

describe('pointer paths', () => {
  it('resolves output paths against the .dvc directory and wdir, refusing escapes', () => {
    expect(resolveOutputPath('data/data.xml.dvc', undefined, 'data.xml')).toBe('data/data.xml');
    expect(resolveOutputPath('pointers/x.dvc', '..', 'data/x')).toBe('data/x');
    expect(resolveOutputPath('sub/x.dvc', undefined, '../top.bin')).toBe('top.bin');
    for (const [f, w, p] of [['x.dvc', undefined, '../../etc/passwd'], ['a/x.dvc', '../..', 'y'], ['x.dvc', undefined, '/etc/passwd'], ['x.dvc', undefined, '.']] as const) {
      expect(thrown(() => resolveOutputPath(f, w, p)).code).toBe('PATH_ESCAPE');
    }
    const d = parseDvcFile('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: ../../secret\n', 'evil.dvc');
    const e = thrown(() => resolveOutputPath('evil.dvc', d.wdir, d.outs[0]!.path));
    expect(e.message).toContain('evil.dvc');
  });
});
