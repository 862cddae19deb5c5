import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planRestore } from '../../electron/core/ops/restore-plan.ts';
import { restore } from '../../electron/core/ops/restore.ts';
import { undo } from '../../electron/core/ops/undo.ts';
import { openRepo, type Repo } from '../../electron/core/repo/open-repo.ts';
import { buildHistoryRepo, CSV_V2, type HistoryFixture } from '../helpers/history-fixtures.ts';
import { makeWritable } from '../helpers/git-repo.ts';
import { makeTempDir } from '../helpers/tmp.ts';

let f: HistoryFixture;
let repo: Repo;
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

/** Every workspace file (outside .git and .dvc) with its md5 and mode: the "byte for byte" yardstick. */
function snapshot(dir: string): string {
  return execFileSync('sh', ['-c', "find . -path ./.git -prune -o -path ./.dvc -prune -o \\( -type f -o -type l \\) -print0 | sort -z | xargs -0 -r stat -c '%n %a' ; find . -path ./.git -prune -o -path ./.dvc -prune -o -type f -print0 | sort -z | xargs -0 -r md5sum"], { cwd: dir, encoding: 'utf8' });
}

beforeEach(async () => {
  f = await buildHistoryRepo();
  repo = await openRepo(f.dir);
});
afterEach(async () => {
  repo.close();
  await f.cleanup();
});

describe('restore a run', () => {
  it('previews exactly what will change without touching anything', async () => {
    const before = snapshot(f.dir);
    const plan = await planRestore(repo, { rev: 'v1.0' });
    expect(plan).toEqual({
      rev: 'v1.0',
      target: f.commits.c4,
      mode: 'run',
      code: { created: ['data/raw.csv.dvc'], modified: ['data/.gitignore', 'data/images.dvc', 'metrics.json', 'requirements.txt'], deleted: ['data/old.bin.dvc'] },
      pointers: [],
      outputs: [
        { path: 'data/images', created: ['b.png'], replaced: [], removed: [], bytes: 6 },
        { path: 'data/raw.csv', created: ['data/raw.csv'], replaced: [], removed: [], bytes: 58 },
        { path: 'model.pkl', created: [], replaced: [], removed: [], bytes: 0 },
      ],
      download: { objects: 0, bytes: 0 },
      blockers: { code: [], data: [] },
    });
    expect(snapshot(f.dir)).toBe(before);
  });

  it('moves code and data to the commit, verifies every output, and undo puts everything back byte for byte', async () => {
    const before = snapshot(f.dir);
    const r = await restore(repo, { rev: 'v1.0' });
    expect(r.verified).toEqual(['data/images', 'data/raw.csv', 'model.pkl']);
    expect(r.written).toBe(2);
    expect(f.git('rev-parse', 'HEAD')).toBe(f.commits.c4);
    expect(f.git('status', '--porcelain', '--untracked-files=no')).toBe('');
    expect(await readFile(f.abs('data/raw.csv'), 'utf8')).toBe(CSV_V2);
    expect(await readFile(f.abs('data/images/b.png'), 'utf8')).toBe('BBBBBB');
    expect(await readFile(f.abs('metrics.json'), 'utf8')).toBe('{"acc": 0.8, "loss": 0.4}');
    const u = await undo(repo);
    expect(u).toMatchObject({ rev: 'v1.0', branch: 'main', head: f.commits.c8 });
    expect(f.git('symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(snapshot(f.dir)).toBe(before);
    await expect(undo(repo)).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('can create a new branch at the commit', async () => {
    await restore(repo, { rev: f.commits.c3 as string, newBranch: 'retry' });
    expect(f.git('symbolic-ref', 'HEAD')).toBe('refs/heads/retry');
    expect(f.git('rev-parse', 'HEAD')).toBe(f.commits.c3);
    expect((await readFile(f.abs('params.yaml'), 'utf8')).includes('lr: 0.05')).toBe(true);
  });

  it('refuses when code is uncommitted, listing it, and changes nothing', async () => {
    await writeFile(f.abs('src/train.py'), 'print("wip")\n');
    const before = snapshot(f.dir);
    await expect(restore(repo, { rev: 'v1.0' })).rejects.toMatchObject({ code: 'UNSAVED_CHANGES', data: { code: ['src/train.py'], data: [] } });
    expect(snapshot(f.dir)).toBe(before);
    expect(f.git('rev-parse', 'HEAD')).toBe(f.commits.c8);
  });

  it('refuses when data not in the cache would be overwritten, listing it, and changes nothing', async () => {
    await rm(f.abs('data/images/a.png'));
    await writeFile(f.abs('data/images/a.png'), 'edited, not cached');
    const plan = await planRestore(repo, { rev: 'v1.0' });
    expect(plan.blockers).toEqual({ code: [], data: ['data/images/a.png'] });
    const before = snapshot(f.dir);
    await expect(restore(repo, { rev: 'v1.0' })).rejects.toMatchObject({ code: 'UNSAVED_CHANGES', data: { code: [], data: ['data/images/a.png'] } });
    expect(snapshot(f.dir)).toBe(before);
  });

  it('with save keeps uncommitted code and data in a restore point; undo brings both back exactly', async () => {
    await writeFile(f.abs('src/train.py'), 'print("wip")\n');
    await writeFile(f.abs('notes.txt'), 'untracked notes\n');
    await rm(f.abs('data/images/a.png'));
    await writeFile(f.abs('data/images/a.png'), 'edited, not cached');
    const before = snapshot(f.dir);
    const r = await restore(repo, { rev: 'v1.0', save: true });
    expect(r.saved).toEqual({ code: true, data: ['data/images/a.png'] });
    expect(await readFile(f.abs('src/train.py'), 'utf8')).toBe('print("train")\n');
    expect(await readFile(f.abs('data/images/a.png'), 'utf8')).toBe('AAAA');
    expect(await repo.odb.has(md5('edited, not cached'), 'md5')).toBe(true);
    await undo(repo);
    expect(snapshot(f.dir)).toBe(before);
    expect(f.git('rev-parse', 'HEAD')).toBe(f.commits.c8);
  });

  it('refuses to undo over code edited after the restore', async () => {
    await restore(repo, { rev: 'v1.0' });
    await writeFile(f.abs('src/train.py'), 'print("after")\n');
    await expect(undo(repo)).rejects.toMatchObject({ code: 'UNSAVED_CHANGES' });
    await undo(repo, { force: true });
    expect(f.git('rev-parse', 'HEAD')).toBe(f.commits.c8);
  });
});

describe('restore data only', () => {
  it('brings chosen outputs of a commit into the current tree with their pointers; undo reverts', async () => {
    const before = snapshot(f.dir);
    const r = await restore(repo, { rev: f.commits.c2 as string, dataOnly: true, paths: ['data/images'] });
    expect(r.plan.pointers).toEqual(['data/images.dvc']);
    expect(f.git('rev-parse', 'HEAD')).toBe(f.commits.c8);
    expect(await readFile(f.abs('data/images.dvc'), 'utf8')).toBe(f.git('show', `${f.commits.c2}:data/images.dvc`) + '\n');
    expect(execFileSync('ls', [f.abs('data/images')], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['a.png', 'b.png']);
    expect(await readFile(f.abs('data/old.bin'))).toEqual(Buffer.from([0, 1, 2, 3, 255, 0, 7]));
    await undo(repo);
    expect(snapshot(f.dir)).toBe(before);
  });

  it('refuses unknown outputs', async () => {
    await expect(planRestore(repo, { rev: 'v1.0', dataOnly: true, paths: ['data/old.bin'] })).rejects.toMatchObject({ code: 'NOT_TRACKED' });
  });
});

describe('restore with objects on a remote', () => {
  it('plans the download, fetches missing objects first, then restores and verifies', async () => {
    const remote = await makeTempDir('lockstep-remote-');
    try {
      await cp(f.abs('.dvc/cache'), remote.dir, { recursive: true });
      await writeFile(f.abs('.dvc/config.local'), `[core]\n    remote = store\n['remote "store"']\n    url = ${remote.dir}\n`);
      repo.close();
      repo = await openRepo(f.dir);
      const rawV2 = repo.odb.pathFor(md5(CSV_V2), 'md5');
      const bPng = repo.odb.pathFor(md5('BBBBBB'), 'md5');
      await makeWritable(f.abs('.dvc/cache'));
      await rm(rawV2);
      await rm(bPng);
      const plan = await planRestore(repo, { rev: 'v1.0' });
      expect(plan.download).toEqual({ objects: 2, bytes: 58 });
      const r = await restore(repo, { rev: 'v1.0' });
      expect(r.downloaded.objects).toBe(2);
      expect(await readFile(f.abs('data/raw.csv'), 'utf8')).toBe(CSV_V2);
      expect(await readFile(f.abs('data/images/b.png'), 'utf8')).toBe('BBBBBB');
    } finally {
      await makeWritable(remote.dir);
      await remote.cleanup();
    }
  });

  it('fails before touching anything when an object is nowhere', async () => {
    await makeWritable(f.abs('.dvc/cache'));
    await rm(repo.odb.pathFor(md5(CSV_V2), 'md5'));
    const before = snapshot(f.dir);
    await expect(restore(repo, { rev: 'v1.0' })).rejects.toMatchObject({ code: 'MISSING_OBJECT' });
    expect(snapshot(f.dir)).toBe(before);
    expect(f.git('rev-parse', 'HEAD')).toBe(f.commits.c8);
  });
});
