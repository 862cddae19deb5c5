import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { makeGitRepo, type TestGitRepo } from '../helpers/git-repo.ts';

const LOCK_MODULE = fileURLToPath(new URL('../../electron/core/repo/lock.ts', import.meta.url));
let repo: TestGitRepo | undefined;
let holder: ChildProcess | undefined;
afterEach(async () => {
  holder?.kill('SIGKILL');
  holder = undefined;
  await repo?.cleanup();
  repo = undefined;
});

/** Another process that takes the repo lock as `command` and releases it after `holdMs`. */
async function holdLock(dvcDir: string, command: string, holdMs: number): Promise<ChildProcess> {
  const script = `
    import { acquireRepoLock } from ${JSON.stringify(LOCK_MODULE)};
    const release = await acquireRepoLock(${JSON.stringify(dvcDir)}, ${JSON.stringify(command)});
    process.stdout.write('held\\n');
    setTimeout(async () => { await release(); process.stdout.write('released\\n'); }, ${holdMs});
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (b: Buffer) => (b.toString().includes('held') ? resolve() : undefined));
    child.on('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
  return child;
}

describe('repo lock between processes', () => {
  it('a second writer waits, then fails with LOCKED naming the holder', async () => {
    repo = await makeGitRepo({ dvc: true });
    await repo.write({ 'data.csv': 'a,b\n' });
    holder = await holdLock(repo.abs('.dvc'), 'push origin', 120_000);
    const started = Date.now();
    const run = await runCli(['add', 'data.csv'], { cwd: repo.dir });
    expect(run.code).toBe(8);
    // The default wait is 10 s; allow a loaded machine to start the CLI late, but it must have waited.
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    expect(run.stderr).toContain(`process ${holder.pid}`);
    expect(run.stderr).toContain('`push origin`');
    await expect(readFile(repo.abs('data.csv.dvc'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 120_000);

  it('a second writer that waits gets in once the holder finishes', async () => {
    repo = await makeGitRepo({ dvc: true });
    await repo.write({ 'data.csv': 'a,b\n' });
    holder = await holdLock(repo.abs('.dvc'), 'checkout', 1_500);
    const run = await runCli(['add', 'data.csv', '--json'], { cwd: repo.dir });
    expect(run.code).toBe(0);
    expect(await readFile(repo.abs('data.csv.dvc'), 'utf8')).toContain('path: data.csv');
  }, 120_000);
});
