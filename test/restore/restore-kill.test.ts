import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restore } from '../../electron/core/ops/restore.ts';
import { latestRestorePoint, restorePointDir } from '../../electron/core/ops/restore-point.ts';
import { undo } from '../../electron/core/ops/undo.ts';
import { openRepo } from '../../electron/core/repo/open-repo.ts';
import { FixtureGit, put, trackDir } from '../helpers/history-fixtures.ts';
import { makeWritable } from '../helpers/git-repo.ts';
import { makeTempDir } from '../helpers/tmp.ts';

const CHILD = fileURLToPath(new URL('./restore-child.ts', import.meta.url));
const N = 1200;
const files = (v: string) => Object.fromEntries(Array.from({ length: N }, (_, i) => [`part${i % 10}/f${i}.txt`, `${v}-${i}-`.repeat(40)]));
const SLOW = 180_000; // 1,200 files hashed, copied and verified several times on a shared 2-core machine

let tmp: { dir: string; cleanup: () => Promise<void> };
let commits: { a: string; b: string };

beforeEach(async () => {
  tmp = await makeTempDir('lockstep-kill-');
  const g = new FixtureGit(tmp.dir);
  g.run('init', '-q', '-b', 'main');
  await put(tmp.dir, '.dvc/config', '');
  await put(tmp.dir, '.dvc/.gitignore', '/config.local\n/tmp\n/cache\n');
  await trackDir(tmp.dir, 'data/many', files('A'));
  const a = g.commit('version A');
  await trackDir(tmp.dir, 'data/many', files('B'));
  const b = g.commit('version B');
  commits = { a, b };
}, 180_000);
afterEach(async () => {
  await makeWritable(tmp.dir);
  await tmp.cleanup();
});

/** Starts a restore in a child process and SIGKILLs it as soon as its restore point says 'applying'. */
async function killMidway(rev: string): Promise<void> {
  const child = spawn(process.execPath, [CHILD, tmp.dir, 'restore', rev], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const dir = restorePointDir(path.join(tmp.dir, '.dvc'));
  for (;;) {
    const names = await readdir(dir).catch(() => [] as string[]);
    const json = names.find((n) => n.endsWith('.json'));
    if (json) {
      child.kill('SIGKILL');
      break;
    }
    if (child.exitCode !== null) throw new Error(`restore child exited before applying: ${stderr}`);
    await new Promise((r) => setTimeout(r, 2));
  }
  await exited;
}

async function dataFiles(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const root = path.join(tmp.dir, 'data', 'many');
  for (const part of await readdir(root)) for (const f of await readdir(path.join(root, part))) out.set(`${part}/${f}`, await readFile(path.join(root, part, f), 'utf8'));
  return out;
}

describe('a restore killed midway (real child process, SIGKILL)', () => {
  it('is completed by running the same restore again', { timeout: SLOW }, async () => {
    await killMidway(commits.a);
    const repo = await openRepo(tmp.dir);
    try {
      expect((await latestRestorePoint(repo.dvcDir))?.state).toBe('applying');
      const r = await restore(repo, { rev: commits.a });
      expect(r.resumed).toBe(true);
      expect(r.verified).toEqual(['data/many']);
      expect(new Map(Object.entries(files('A')))).toEqual(await dataFiles());
      expect((await latestRestorePoint(repo.dvcDir))?.state).toBe('done');
    } finally {
      repo.close();
    }
  });

  it('is reverted exactly by undo', { timeout: SLOW }, async () => {
    const before = await dataFiles();
    await killMidway(commits.a);
    const repo = await openRepo(tmp.dir);
    try {
      expect((await latestRestorePoint(repo.dvcDir))?.state).toBe('applying');
      await expect(restore(repo, { rev: commits.b })).rejects.toMatchObject({ code: 'USAGE' });
      await undo(repo);
      expect(await dataFiles()).toEqual(before);
      expect(before.get('part0/f0.txt')?.startsWith('B-0-')).toBe(true);
    } finally {
      repo.close();
    }
  });
});
