import { createHash } from 'node:crypto';
import { open, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, runCli, spawnCli } from '../helpers/cli.ts';
import { makeGitRepo, type TestGitRepo } from '../helpers/git-repo.ts';

let repo: TestGitRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

interface ProgressLine {
  phase: string;
  loaded: number;
  total?: number;
  files?: number;
  filesTotal?: number;
}

/** Spawns the CLI with JSON progress and SIGKILLs it the first time `when` says a progress event is midway. */
async function killMidway(args: string[], cwd: string, when: (p: ProgressLine) => boolean): Promise<{ killed: boolean; stderr: string }> {
  const child = spawnCli(args, { cwd, env: { LOCKSTEP_PROGRESS: 'json' } });
  child.stdin.end();
  let killed = false;
  let buf = '';
  child.stderr.on('data', (d: Buffer) => {
    buf += d.toString();
    for (const line of buf.split('\n').slice(0, -1)) {
      try {
        const p = (JSON.parse(line) as { progress?: ProgressLine }).progress;
        if (p && !killed && when(p)) {
          killed = true;
          child.kill('SIGKILL');
        }
      } catch {
        // Not a progress line.
      }
    }
    buf = buf.slice(buf.lastIndexOf('\n') + 1);
  });
  const run = await collect(child);
  return { killed: killed && run.signal === 'SIGKILL', stderr: run.stderr };
}

const md5 = (b: Buffer | string): string => createHash('md5').update(b).digest('hex');

/** Every object under the cache must hash to its name: no half-written object under a final name. */
async function assertCacheSound(root: string): Promise<number> {
  const base = path.join(root, '.dvc', 'cache', 'files', 'md5');
  let n = 0;
  for (const prefix of await readdir(base).catch(() => [] as string[])) {
    for (const name of await readdir(path.join(base, prefix))) {
      if (name.endsWith('.tmp')) continue;
      const bytes = await readFile(path.join(base, prefix, name));
      expect(md5(bytes), `${prefix}/${name}`).toBe(`${prefix}${name}`.replace(/\.dir$/, ''));
      n++;
    }
  }
  return n;
}

async function writeBigFile(abs: string, mib: number): Promise<string> {
  const fh = await open(abs, 'w');
  const hash = createHash('md5');
  try {
    const block = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < mib; i++) {
      block.fill(i % 251);
      block.writeUInt32LE(i, 0);
      hash.update(block);
      await fh.write(block);
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

async function makeFolder(r: TestGitRepo, dir: string, count: number): Promise<Map<string, string>> {
  const files: Record<string, string> = {};
  const sums = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const content = `sample ${i} `.repeat(400);
    files[`${dir}/part${i % 10}/f${i}.txt`] = content;
    sums.set(`part${i % 10}/f${i}.txt`, md5(content));
  }
  await r.write(files);
  return sums;
}

describe('SIGKILL in the middle of an operation (real child processes)', () => {
  it('add of a large file: original intact, no half object, the next run completes', async () => {
    repo = await makeGitRepo({ dvc: true });
    const sum = await writeBigFile(repo.abs('big.bin'), 192);
    const r = await killMidway(['add', 'big.bin'], repo.dir, (p) => p.phase === 'cache' || (p.phase === 'hash' && p.total !== undefined && p.loaded > p.total / 2));
    expect(r.killed).toBe(true);
    expect(md5(await readFile(repo.abs('big.bin')))).toBe(sum);
    await assertCacheSound(repo.dir);
    const again = await runCli(['add', 'big.bin', '--json'], { cwd: repo.dir });
    expect(again.code).toBe(0);
    expect(again.json<{ outputs: { md5: string }[] }>().outputs[0]?.md5).toBe(sum);
    expect(md5(await readFile(repo.abs('big.bin')))).toBe(sum);
    expect(await assertCacheSound(repo.dir)).toBe(1);
    expect((await runCli(['status', '--json'], { cwd: repo.dir })).json<{ clean: boolean }>().clean).toBe(true);
  }, 240_000);

  it('add of a folder of many files: originals intact, no half object, the next run completes', async () => {
    repo = await makeGitRepo({ dvc: true });
    const sums = await makeFolder(repo, 'images', 1500);
    const r = await killMidway(['add', 'images'], repo.dir, (p) => p.phase === 'cache' && p.files !== undefined && p.filesTotal !== undefined && p.files >= p.filesTotal / 3);
    expect(r.killed).toBe(true);
    for (const [rel, sum] of sums) expect(md5(await readFile(repo.abs(`images/${rel}`))), rel).toBe(sum);
    await assertCacheSound(repo.dir);
    await expect(stat(repo.abs('images.dvc'))).rejects.toMatchObject({ code: 'ENOENT' });
    const again = await runCli(['add', 'images'], { cwd: repo.dir });
    expect(again.code).toBe(0);
    expect(await assertCacheSound(repo.dir)).toBe(1501);
    expect((await runCli(['status', '--json'], { cwd: repo.dir })).json<{ clean: boolean }>().clean).toBe(true);
  }, 240_000);

  it('checkout of a folder: every file present is complete, the next run completes', async () => {
    repo = await makeGitRepo({ dvc: true });
    const sums = await makeFolder(repo, 'images', 1500);
    expect((await runCli(['add', 'images'], { cwd: repo.dir })).code).toBe(0);
    await rm(repo.abs('images'), { recursive: true });
    const r = await killMidway(['checkout'], repo.dir, (p) => p.phase === 'checkout' && p.total !== undefined && p.loaded >= p.total / 3);
    expect(r.killed).toBe(true);
    let present = 0;
    for (const [rel, sum] of sums) {
      const bytes = await readFile(repo.abs(`images/${rel}`)).catch(() => null);
      if (bytes === null) continue;
      present++;
      expect(md5(bytes), rel).toBe(sum);
    }
    expect(present).toBeGreaterThan(0);
    expect(present).toBeLessThan(sums.size);
    const again = await runCli(['checkout', '--json'], { cwd: repo.dir });
    expect(again.code).toBe(0);
    for (const [rel, sum] of sums) expect(md5(await readFile(repo.abs(`images/${rel}`))), rel).toBe(sum);
    const st = await runCli(['status', '--json'], { cwd: repo.dir });
    expect(st.json<{ clean: boolean }>().clean).toBe(true);
    // No temp files of the killed run are left in the folder.
    const leftovers: string[] = [];
    for (const d of await readdir(repo.abs('images'))) for (const f of await readdir(repo.abs(`images/${d}`))) if (f.endsWith('.tmp')) leftovers.push(f);
    expect(leftovers).toEqual([]);
  }, 240_000);
});
