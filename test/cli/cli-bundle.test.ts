// The esbuild bundle is what an installed `lockstep` runs (the bin shim prefers it), and the benchmarks
// measure it; the rest of the CLI tests run the TypeScript sources. This suite builds the bundle into a
// folder of its own and drives it end to end, so a bundling mistake (a dependency's module format, the
// builtins-via-require rewrite, a worker script not emitted, a relative URL off by a folder) fails here.
import { spawn } from 'node:child_process';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error build-cli.mjs is plain JavaScript without type declarations
import { buildCli } from '../../build/build-cli.mjs';
import { makeGitRepo } from '../helpers/git-repo.ts';
import { makeTempDir } from '../helpers/tmp.ts';
import { S3RVER_KEY, S3RVER_SECRET, startS3rver, type S3rverHandle } from '../helpers/s3rver.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Two levels below the root, like out/cli: the bundle resolves some files relative to its own folder.
const OUT = path.join(ROOT, 'out', `cli-test-${process.pid}`);

interface Run { code: number | null; stdout: string; stderr: string }

// The same call the bin shim makes. A file, not `node --input-type=module -e`: workers inherit execArgv.
const RUNNER = path.join(OUT, 'run-test.mjs');
const RUNNER_SOURCE = `const m = await import('./lockstep.mjs');
process.exitCode = await m.runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
`;

/** Runs the bundle's runCli in a child process. */
function runBundle(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [RUNNER, ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let s3: S3rverHandle | undefined;
beforeAll(async () => {
  const files = (await buildCli(OUT)) as number;
  expect(files).toBeGreaterThan(50);
  await writeFile(RUNNER, RUNNER_SOURCE);
  s3 = await startS3rver({ bucket: 'bundle' });
}, 120_000);
afterAll(async () => {
  await s3?.stop();
  await rm(OUT, { recursive: true, force: true });
});

describe('the bundled CLI', () => {
  it('lists the source files it was built from, without the node builtins', async () => {
    const { inputs } = JSON.parse(await readFile(path.join(OUT, 'inputs.json'), 'utf8')) as { inputs: string[] };
    expect(inputs).toContain('electron/cli/run-cli.ts');
    expect(inputs).toContain('package-lock.json');
    expect(inputs.filter((i) => i.includes(':') || i.startsWith('node_modules'))).toEqual([]);
  });

  it('loads http and https through require, even where the SDK imports them dynamically', async () => {
    // An ESM import of node:http reads its lazy getters, which loads all of undici (tens of ms per start).
    const chunks = (await readdir(OUT)).filter((n) => n.endsWith('.mjs'));
    const offenders: string[] = [];
    for (const n of chunks) if (/import\((["'])node:https?\1\)|from (["'])node:https?\2/.test(await readFile(path.join(OUT, n), 'utf8'))) offenders.push(n);
    expect(chunks.length).toBeGreaterThan(3);
    expect(offenders).toEqual([]);
  });

  it('the bin shim refuses to fall back to the sources when a benchmark requires the bundle', async () => {
    const shim = path.join(ROOT, 'electron', 'cli', 'lockstep.mjs');
    const child = spawn(process.execPath, [shim, '--version'], { env: { ...process.env, LOCKSTEP_NO_BUNDLE: '1', LOCKSTEP_REQUIRE_BUNDLE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('LOCKSTEP_REQUIRE_BUNDLE=1');
  });

  it('adds, pushes to S3, reports cloud status, and pulls into a fresh clone', async () => {
    const repo = await makeGitRepo({ dvc: true });
    const clone = await makeTempDir('lockstep-bundle-clone-');
    try {
      const env = { AWS_ACCESS_KEY_ID: S3RVER_KEY, AWS_SECRET_ACCESS_KEY: S3RVER_SECRET, AWS_REGION: 'us-east-1' };
      const files: Record<string, string> = {};
      // Enough files for the hashing worker pool, which the bundle must start from its own folder.
      for (let i = 0; i < 300; i++) files[`data/f${i}.txt`] = `file ${i}\n`.repeat(i + 1);
      await repo.write(files);
      const add = await runBundle(['add', 'data', '--json'], repo.dir);
      expect(add.stderr).toBe('');
      expect(add.code, add.stdout + add.stderr).toBe(0);
      const md5 = (JSON.parse(add.stdout) as { outputs: { md5: string }[] }).outputs[0]?.md5;
      expect(md5).toMatch(/^[0-9a-f]{32}\.dir$/);
      expect((await runBundle(['remote', 'add', '-d', 's3', `s3://${s3!.bucket}/b`], repo.dir)).code).toBe(0);
      expect((await runBundle(['remote', 'modify', 's3', 'endpointurl', s3!.endpoint], repo.dir)).code).toBe(0);
      repo.commit('track data');

      const push = await runBundle(['push', '--json'], repo.dir, env);
      expect(push.stderr).toBe('');
      expect(push.code, push.stdout + push.stderr).toBe(0);
      const cloud = await runBundle(['status', '--cloud', '--json'], repo.dir, env);
      expect(cloud.code, cloud.stdout + cloud.stderr).toBe(0);
      expect(JSON.parse(cloud.stdout)).toMatchObject({ clean: true, totals: { both: 301, localOnly: 0, missing: 0 } });

      repo.git('clone', '-q', repo.dir, clone.dir);
      const pull = await runBundle(['pull', '--json'], clone.dir, env);
      expect(pull.stderr).toBe('');
      expect(pull.code, pull.stdout + pull.stderr).toBe(0);
      for (const i of [0, 17, 299]) expect(await readFile(path.join(clone.dir, 'data', `f${i}.txt`), 'utf8')).toBe(files[`data/f${i}.txt`]);
      // Commands that load node builtins with import() (an earlier bundle broke those namespaces).
      const history = await runBundle(['history', 'data', '--json'], repo.dir);
      expect(history.code, history.stdout + history.stderr).toBe(0);
      expect(JSON.stringify(JSON.parse(history.stdout))).toContain(md5!);
      const plan = await runBundle(['restore', 'HEAD', '--data-only', 'data', '--plan', '--json'], repo.dir);
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
      await writeFile(path.join(clone.dir, 'data', 'f0.txt'), 'changed\n');
      const st = await runBundle(['status'], clone.dir);
      expect(st.stdout).toContain('modified:');
    } finally {
      await repo.cleanup();
      await clone.cleanup();
    }
  }, 240_000);
});
