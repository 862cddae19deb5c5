import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkRelPosix, isInside, resolveInside } from '../../../electron/core/dvc/safe-path.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

describe('checkRelPosix', () => {
  it('accepts ordinary relative paths', () => {
    for (const ok of ['a', 'a/b.c', 'ü/é', 'with space/x', '..foo/bar', 'back\\slash']) expect(() => checkRelPosix(ok, 'test', { platform: 'linux' })).not.toThrow();
  });
  it('refuses escapes, absolute paths and empty segments on every platform', () => {
    for (const bad of ['', '..', '../x', 'a/../../b', '/abs', 'a//b', 'a/', 'nul\0', 'a/./b']) {
      expect(() => checkRelPosix(bad, 'manifest x.dir', { platform: 'linux' }), bad).toThrow(/manifest x\.dir/);
    }
    expect(() => checkRelPosix('./a', 'cli', { platform: 'linux', allowDot: true })).not.toThrow();
  });
  it('refuses backslash separators and drive letters on Windows', () => {
    for (const bad of ['a\\..\\..\\x', 'C:/x', 'c:x', 'a:b']) expect(() => checkRelPosix(bad, 'w', { platform: 'win32' }), bad).toThrow();
  });
});

describe('resolveInside', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let root: string;
  beforeEach(async () => {
    tmp = await makeTempDir();
    root = path.join(tmp.dir, 'repo');
    await mkdir(path.join(root, 'data'), { recursive: true });
    await mkdir(path.join(tmp.dir, 'outside'));
    await symlink(path.join(tmp.dir, 'outside'), path.join(root, 'link'));
  });
  afterEach(async () => tmp.cleanup());

  it('returns absolute paths inside the root, also for paths that do not exist yet', () => {
    expect(resolveInside(root, 'data/x.csv', 'x')).toBe(path.join(root, 'data', 'x.csv'));
    expect(resolveInside(root, 'new/deep/file', 'x')).toBe(path.join(root, 'new', 'deep', 'file'));
  });
  it('refuses paths through a symlink that leaves the root, naming the source', () => {
    expect(() => resolveInside(root, 'link/file', 'data.dvc')).toThrow(/data\.dvc.*symlink/);
    expect(() => resolveInside(root, 'link/a/b', 'data.dvc')).toThrow(/PATH_ESCAPE|symlink/);
    expect(() => resolveInside(root, '../outside/x', 'data.dvc')).toThrow(/data\.dvc/);
  });
  it('isInside compares path components, not prefixes', () => {
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a/b/..c')).toBe(true);
  });
});
