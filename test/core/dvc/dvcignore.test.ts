import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDvcIgnore } from '../../../electron/core/dvc/dvcignore.ts';
import { INIT_DVCIGNORE } from '../../../electron/core/dvc/init-files.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

describe('loadDvcIgnore (§5.5)', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let root: string;
  beforeEach(async () => {
    tmp = await makeTempDir();
    root = tmp.dir;
  });
  afterEach(async () => tmp.cleanup());
  const put = async (rel: string, text: string): Promise<void> => {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  };

  it('ignores .git, .hg and .dvc by default and nothing else without a file', async () => {
    const m = await loadDvcIgnore(root);
    expect(m.ignores('.git', true)).toBe(true);
    expect(m.ignores('.git', false)).toBe(true);
    expect(m.ignores('sub/.git/config', false)).toBe(true);
    expect(m.ignores('.dvc/cache', true)).toBe(true);
    expect(m.ignores('.hg/store/x', false)).toBe(true);
    expect(m.ignores('data/x.csv', false)).toBe(false);
  });

  it('treats the dvc init file as comments only', async () => {
    await put('.dvcignore', INIT_DVCIGNORE);
    const m = await loadDvcIgnore(root);
    expect(m.ignores('the', false)).toBe(false);
  });

  it('answers files the same on the per-directory fast path as in non-canonical spellings', async () => {
    await put('.dvcignore', 'skip/\n');
    await put('data/logs/.dvcignore', '*.log\n!keep.log\n');
    await mkdir(path.join(root, 'nested', '.dvc'), { recursive: true });
    const cases: [string, boolean][] = [
      ['data/plain/a.csv', false],
      ['data/plain/.git', true],
      ['data/logs/run.log', true],
      ['data/logs/keep.log', false],
      ['data/logs/deep/x.log', true],
      ['data/skip/a.csv', true],
      ['nested/inner/file', true],
      ['top.txt', false],
    ];
    const fast = await loadDvcIgnore(root);
    const slow = await loadDvcIgnore(root);
    const perDir = await loadDvcIgnore(root);
    for (const [rel, want] of cases) {
      expect(fast.ignores(rel, false), rel).toBe(want);
      // A leading './' takes the general path: both must agree.
      expect(slow.ignores(`./${rel}`, false), `./${rel}`).toBe(want);
      // The per-directory filter a walk uses answers the same for the file's name.
      const cut = rel.lastIndexOf('/');
      expect(perDir.fileNameFilter?.(cut === -1 ? '' : rel.slice(0, cut))(rel.slice(cut + 1)), `filter ${rel}`).toBe(want);
    }
  });

  it('strips lines (unlike git) and supports negation and directory-only patterns', async () => {
    await put('.dvcignore', '   *.tmp   \n!keep.tmp\n# comment\n\ncache/\n/rootonly\n');
    const m = await loadDvcIgnore(root);
    expect(m.ignores('a.tmp', false)).toBe(true);
    expect(m.ignores('data/b.tmp', false)).toBe(true);
    expect(m.ignores('data/keep.tmp', false)).toBe(false);
    expect(m.ignores('data/cache', true)).toBe(true);
    expect(m.ignores('data/cache/file', false)).toBe(true);
    expect(m.ignores('data/cache', false)).toBe(false);
    expect(m.ignores('rootonly', false)).toBe(true);
    expect(m.ignores('data/rootonly', false)).toBe(false);
  });

  it('merges nested files under their directory, letting them negate parent patterns', async () => {
    await put('.dvcignore', '*.log\n');
    await put('data/.dvcignore', '!important.log\n/local.bin\n*.png\n');
    const m = await loadDvcIgnore(root);
    expect(m.ignores('x.log', false)).toBe(true);
    expect(m.ignores('data/important.log', false)).toBe(false);
    expect(m.ignores('important.log', false)).toBe(true);
    expect(m.ignores('data/local.bin', false)).toBe(true);
    expect(m.ignores('data/sub/local.bin', false)).toBe(false);
    expect(m.ignores('local.bin', false)).toBe(false);
    expect(m.ignores('data/sub/pic.png', false)).toBe(true);
    expect(m.ignores('pic.png', false)).toBe(false);
  });

  it('ignores everything below an ignored directory, even if re-included', async () => {
    await put('.dvcignore', 'tmp/\n!tmp/keep.txt\n');
    const m = await loadDvcIgnore(root);
    expect(m.ignores('tmp/keep.txt', false)).toBe(true);
  });

  it('ignores sub-repositories (directories holding .dvc/)', async () => {
    await mkdir(path.join(root, 'vendor', 'other', '.dvc'), { recursive: true });
    await put('vendor/other/data.csv', 'x');
    const m = await loadDvcIgnore(root);
    expect(m.ignores('vendor/other', true)).toBe(true);
    expect(m.ignores('vendor/other/data.csv', false)).toBe(true);
    expect(m.ignores('vendor', true)).toBe(false);
  });
});
