import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

let mountDir: string | undefined;
afterEach(() => {
  if (!mountDir) return;
  execFileSync('umount', [mountDir], { stdio: 'ignore' });
  rmSync(mountDir, { recursive: true, force: true });
  mountDir = undefined;
});

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e', GIT_CONFIG_GLOBAL: '/dev/null' };

describe('full disk during add', () => {
  // Mounts a real 40 MiB tmpfs (tests run as root here and in CI): a genuinely full disk, never a fake.
  it('fails with DISK_FULL, leaves the original untouched and no object or temp file behind', async () => {
    mountDir = mkdtempSync(path.join(tmpdir(), 'lockstep-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mountDir]);
    const root = path.join(mountDir, 'repo');
    await mkdir(root);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root, env: GIT_ENV });
    expect((await runCli(['init'], { cwd: root })).code).toBe(0);
    // 26 MiB of data on a 40 MiB disk: a second copy in the cache cannot fit.
    const fh = await open(path.join(root, 'big.bin'), 'w');
    const hash = createHash('md5');
    for (let i = 0; i < 26; i++) {
      const block = Buffer.alloc(1024 * 1024, i + 1);
      hash.update(block);
      await fh.write(block);
    }
    await fh.close();
    const sum = hash.digest('hex');

    const run = await runCli(['add', 'big.bin', '--json'], { cwd: root });
    expect(run.code).toBe(7);
    expect(run.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'DISK_FULL' });
    expect(createHash('md5').update(await readFile(path.join(root, 'big.bin'))).digest('hex')).toBe(sum);
    expect((await stat(path.join(root, 'big.bin'))).size).toBe(26 * 1024 * 1024);
    // No object under its final name and no temp file left in the cache; no pointer written.
    const objDir = path.join(root, '.dvc', 'cache', 'files', 'md5', sum.slice(0, 2));
    expect(await readdir(objDir).catch(() => [])).toEqual([]);
    // Nor in the folder a large file's copy is streamed to before its name is known (its writes were in flight).
    expect(await readdir(path.join(root, '.dvc', 'cache', 'files', 'md5', '00')).catch(() => [])).toEqual([]);
    await expect(stat(path.join(root, 'big.bin.dvc'))).rejects.toMatchObject({ code: 'ENOENT' });

    // Once space is freed the same command completes.
    execFileSync('mount', ['-o', 'remount,size=80m', mountDir]);
    const again = await runCli(['add', 'big.bin', '--json'], { cwd: root });
    expect(again.code).toBe(0);
    expect(again.json<{ outputs: { md5: string }[] }>().outputs[0]?.md5).toBe(sum);
  }, 180_000);
});
