import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addIgnoreEntry, escapeGitignore, ignoreEntryFor, isIgnoredByGit, removeIgnoreEntry } from '../../../electron/core/dvc/gitignore.ts';
import { makeTempDir } from '../../helpers/tmp.ts';

describe('gitignore entries (§8)', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let root: string;
  beforeEach(async () => {
    tmp = await makeTempDir();
    root = tmp.dir;
    execFileSync('git', ['init', '-q', root]);
    await mkdir(path.join(root, 'data'), { recursive: true });
  });
  afterEach(async () => tmp.cleanup());
  const read = (rel: string): Promise<string> => readFile(path.join(root, rel), 'utf8');
  const gitIgnores = (rel: string): boolean => {
    try {
      execFileSync('git', ['-C', root, 'check-ignore', '-q', '--no-index', rel]);
      return true;
    } catch {
      return false;
    }
  };

  it('escapes gitignore metacharacters and backslash', () => {
    expect(escapeGitignore('a[1]!*#?\\b')).toBe('a\\[1\\]\\!\\*\\#\\?\\\\b');
    expect(ignoreEntryFor('data/my file[1].csv')).toBe('/my file\\[1\\].csv');
    expect(ignoreEntryFor('model.pkl')).toBe('/model.pkl');
  });

  it('writes /name lines in the parent .gitignore, as the example project has them', async () => {
    await mkdir(path.join(root, 'data', 'prepared'));
    expect(await addIgnoreEntry(root, 'data/data.xml')).toBe(path.join(root, 'data', '.gitignore'));
    expect(await addIgnoreEntry(root, 'data/prepared')).toBe(path.join(root, 'data', '.gitignore'));
    await addIgnoreEntry(root, 'model.pkl');
    expect(await read('data/.gitignore')).toBe('/data.xml\n/prepared\n');
    expect(await read('.gitignore')).toBe('/model.pkl\n');
    expect(gitIgnores('data/data.xml')).toBe(true);
    expect(gitIgnores('data/prepared/x')).toBe(true);
  });

  it('adds a newline first when the file lacks one, and does not duplicate', async () => {
    await writeFile(path.join(root, 'data', '.gitignore'), '*.tmp');
    await addIgnoreEntry(root, 'data/a.csv');
    expect(await read('data/.gitignore')).toBe('*.tmp\n/a.csv\n');
    expect(await addIgnoreEntry(root, 'data/a.csv')).toBeNull();
    expect(await read('data/.gitignore')).toBe('*.tmp\n/a.csv\n');
  });

  it('writes nothing when git already ignores the path (also through a parent directory)', async () => {
    await writeFile(path.join(root, '.gitignore'), 'data/\n*.log\n');
    expect(await addIgnoreEntry(root, 'data/x.bin')).toBeNull();
    expect(await addIgnoreEntry(root, 'run.log')).toBeNull();
    expect(existsSync(path.join(root, 'data', '.gitignore'))).toBe(false);
    expect(await read('.gitignore')).toBe('data/\n*.log\n');
  });

  it('agrees with git check-ignore on nested rules and negation', async () => {
    await writeFile(path.join(root, '.gitignore'), '*.csv\n!keep.csv\n/top-only\nbuild/\n');
    await writeFile(path.join(root, 'data', '.gitignore'), '!special.csv\n/local\n');
    await mkdir(path.join(root, 'data', 'build'));
    const cases: [string, boolean][] = [
      ['a.csv', false], ['data/a.csv', false], ['data/special.csv', false], ['keep.csv', false], ['top-only', false], ['data/top-only', false],
      ['data/local', false], ['data/sub/local', false], ['data/build/x', false], ['notes.txt', false],
    ];
    for (const [rel] of cases) {
      const expected = gitIgnores(rel);
      const isDir = rel === 'data/build';
      expect(await isIgnoredByGit(root, rel, isDir), rel).toBe(expected);
    }
    expect(gitIgnores('a.csv')).toBe(true);
    expect(gitIgnores('data/special.csv')).toBe(false);
  });

  it('uses CRLF in a CRLF file', async () => {
    await writeFile(path.join(root, 'data', '.gitignore'), '/old\r\n');
    await addIgnoreEntry(root, 'data/new');
    expect(await read('data/.gitignore')).toBe('/old\r\n/new\r\n');
  });

  it('removes the line (escaped or not) and deletes the file when it becomes empty', async () => {
    await writeFile(path.join(root, 'data', '.gitignore'), '/a[1].csv\n/b.csv\n/a\\[1\\].csv\n# mine\n');
    expect(await removeIgnoreEntry(root, 'data/a[1].csv')).toBe(true);
    expect(await read('data/.gitignore')).toBe('/b.csv\n# mine\n');
    expect(await removeIgnoreEntry(root, 'data/zzz')).toBe(false);
    await writeFile(path.join(root, '.gitignore'), '/model.pkl\n');
    expect(await removeIgnoreEntry(root, 'model.pkl')).toBe(true);
    expect(existsSync(path.join(root, '.gitignore'))).toBe(false);
    expect(await removeIgnoreEntry(root, 'model.pkl')).toBe(false);
    expect((await readdir(path.join(root, 'data'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses outputs outside the repository', async () => {
    await expect(addIgnoreEntry(root, '../outside/x')).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
  });
});
