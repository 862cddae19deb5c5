import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { makeGitRepo, type TestGitRepo } from '../helpers/git-repo.ts';

let repo: TestGitRepo | undefined;
afterEach(async () => {
  await repo?.cleanup();
  repo = undefined;
});

describe('lockstep CLI (real child processes)', () => {
  it('runs init, add, status, commit, checkout, gc and remove end to end with --json', async () => {
    repo = await makeGitRepo();
    const cwd = repo.dir;
    const initRun = await runCli(['init', '--json'], { cwd });
    expect(initRun.code).toBe(0);
    expect(initRun.json<{ created: string[] }>().created.sort()).toEqual(['.dvc/.gitignore', '.dvc/config', '.dvcignore']);
    await repo.write({ 'data/foo': 'foo', 'data/bar': 'bar' });

    const addRun = await runCli(['add', 'data', '--json'], { cwd });
    expect(addRun.code).toBe(0);
    expect(addRun.json<{ outputs: { md5: string }[] }>().outputs[0]?.md5).toBe('5ea40360f5b4ec688df672a4db9c17d1.dir');
    // Piped stderr: no progress bars, no terminal escape codes.
    expect(addRun.stderr).toBe('');
    expect(await readFile(repo.abs('data.dvc'), 'utf8')).toBe('outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n');
    repo.git('commit', '-q', '-m', 'track data');

    expect((await runCli(['status', '--json'], { cwd })).json<{ clean: boolean }>().clean).toBe(true);
    await writeFile(repo.abs('data/baz'), 'baz');
    const st = await runCli(['status'], { cwd });
    expect(st.code).toBe(0);
    expect(st.stdout).toContain('data: modified');
    expect(st.stdout).toContain('added:    baz');

    const c = await runCli(['commit', '--json'], { cwd });
    expect(c.json<{ outputs: { action: string }[] }>().outputs[0]?.action).toBe('updated');
    repo.git('commit', '-q', '-m', 'v2');

    await rm(repo.abs('data'), { recursive: true });
    const co = await runCli(['checkout'], { cwd });
    expect(co.code).toBe(0);
    expect(co.stdout).toContain('data: 3 created');
    expect(await readFile(repo.abs('data/baz'), 'utf8')).toBe('baz');

    repo.git('checkout', '-q', 'HEAD~1', '--', 'data.dvc');
    await runCli(['checkout'], { cwd });
    const gcDry = await runCli(['gc', '--json'], { cwd });
    expect(gcDry.json<{ dryRun: boolean; count: number }>()).toMatchObject({ dryRun: true, count: 2 });
    const gcAll = await runCli(['gc', '-A', '--json'], { cwd });
    expect(gcAll.json<{ count: number }>().count).toBe(0);

    const rmRun = await runCli(['remove', 'data.dvc'], { cwd });
    expect(rmRun.code).toBe(0);
    expect(rmRun.stdout).toContain('Stopped tracking data (data kept)');
    expect(await readFile(repo.abs('data/foo'), 'utf8')).toBe('foo');
  }, 300_000);

  it('maps errors to exit codes, with plain messages or a JSON error object', async () => {
    repo = await makeGitRepo({ dvc: true });
    const cwd = repo.dir;
    const missing = await runCli(['add', 'nope.csv'], { cwd });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe('error: Cannot add nope.csv: it does not exist.\n');
    const asJson = await runCli(['add', '../outside', '--json'], { cwd });
    expect(asJson.code).toBe(4);
    expect(asJson.json<{ error: { code: string } }>().error.code).toBe('PATH_ESCAPE');
    const unknown = await runCli(['frobnicate'], { cwd });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("'frobnicate' is not a lockstep command");
    const badFlag = await runCli(['status', '--colour'], { cwd });
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('lockstep status --help');
    const help = await runCli(['add', '--help'], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: lockstep add');
    const notRepo = await runCli(['status'], { cwd: '/' });
    expect(notRepo.code).toBe(3);
    await writeFile(repo.abs('broken.dvc'), 'outs:\n  - md5: [unclosed\n');
    const parse = await runCli(['status'], { cwd });
    expect(parse.code).toBe(4);
    expect(parse.stderr).toMatch(/broken\.dvc/);
  }, 180_000);

  it('honours -C and refuses unsaved overwrites with exit code 6, listing the files', async () => {
    repo = await makeGitRepo({ dvc: true });
    await repo.write({ 'w/x.bin': 'x' });
    expect((await runCli(['-C', repo.dir, 'add', 'w/x.bin'], { cwd: '/' })).code).toBe(0);
    await writeFile(repo.abs('w/x.bin'), 'edited');
    const co = await runCli(['checkout', '-C', repo.dir], { cwd: '/' });
    expect(co.code).toBe(6);
    expect(co.stderr).toContain('w/x.bin');
    expect(await readFile(repo.abs('w/x.bin'), 'utf8')).toBe('edited');
    const saved = await runCli(['checkout', '--save-unsaved', '--json', '-C', repo.dir], { cwd: '/' });
    expect(saved.code).toBe(0);
    expect(saved.json<{ saved: string[] }>().saved).toEqual(['w/x.bin']);
  });

  it('draws progress as JSON lines when LOCKSTEP_PROGRESS=json', async () => {
    repo = await makeGitRepo({ dvc: true });
    const files: Record<string, string> = {};
    for (let i = 0; i < 50; i++) files[`many/f${i}`] = `file ${i}`;
    await repo.write(files);
    const run = await runCli(['add', 'many'], { cwd: repo.dir, env: { LOCKSTEP_PROGRESS: 'json' } });
    expect(run.code).toBe(0);
    const events = run.stderr.trim().split('\n').map((l) => (JSON.parse(l) as { progress: { phase: string } }).progress);
    expect(events.some((e) => e.phase === 'hash')).toBe(true);
    expect(events.some((e) => e.phase === 'cache')).toBe(true);
  });
});
