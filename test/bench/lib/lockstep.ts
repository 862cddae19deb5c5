// Running Lockstep the way a user does: the real CLI as a child process through the `lockstep` bin shim
// (`electron/cli/lockstep.mjs`), which runs the bundle `npm run bench` builds first (prebench).
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runQuiet, runTimed } from './proc.ts';
import type { TimedRun } from './proc.ts';

/** The repository root (two levels above test/bench/lib). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The CLI entry point every Lockstep measurement runs. */
export const CLI_MAIN = fileURLToPath(new URL('../../../electron/cli/lockstep.mjs', import.meta.url));

/** A fixed identity and no user/system git config, so git behaves the same on every machine; the CLI bundle required. */
export function benchEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
    GIT_CONFIG_NOSYSTEM: '1',
    NO_COLOR: '1',
    // Measure the bundle users run, never the TypeScript sources (a source edited mid-run makes it stale).
    LOCKSTEP_REQUIRE_BUNDLE: '1',
    ...extra,
  };
}

/** True when the CLI command's module exists (other helpers land commands while benchmarks are written). */
export function hasCommand(name: string): boolean {
  return existsSync(fileURLToPath(new URL(`../../../electron/cli/commands/${name}.ts`, import.meta.url)));
}

/** Throws a clear error when a CLI command a benchmark needs has not landed. */
export function requireCommand(...names: string[]): void {
  const missing = names.filter((n) => !hasCommand(n));
  if (missing.length > 0) throw new Error(`lockstep ${missing.join(', ')}: command not implemented yet (electron/cli/commands/${missing[0]}.ts is missing)`);
}

/** Runs `lockstep ARGS` in `cwd`, measured (wall time and peak RSS). */
export function lockstep(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = benchEnv()): Promise<TimedRun> {
  return runTimed(process.execPath, [CLI_MAIN, ...args], { cwd, env });
}

/** Runs `lockstep ARGS --json` and parses stdout. */
export async function lockstepJson<T = unknown>(args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<{ run: TimedRun; data: T }> {
  const run = await lockstep([...args, '--json'], cwd, env);
  try {
    return { run, data: JSON.parse(run.stdout) as T };
  } catch {
    throw new Error(`lockstep ${args.join(' ')} --json printed no JSON:\n${run.stdout.slice(0, 2000)}`);
  }
}

/** Runs git for setup (not measured). */
export function git(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = benchEnv()): Promise<string> {
  return runQuiet('git', args, { cwd, env });
}

/** Creates `dir` as a git repository with Lockstep (DVC) initialised, and commits the init files. */
export async function initLockstepRepo(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await git(['init', '-q', '-b', 'main'], dir);
  requireCommand('init');
  await lockstep(['init', '-q'], dir);
  await git(['add', '-A'], dir);
  await git(['commit', '-q', '-m', 'init'], dir);
}

/**
 * Checks that a timed `add` did the work being timed: the pointer file exists and records `nfiles`
 * files (a folder output) or, with `nfiles` undefined, a single file of `size` bytes.
 */
export async function expectPointer(dvcFile: string, nfiles: number | undefined, size?: number): Promise<void> {
  const text = await readFile(dvcFile, 'utf8').catch(() => '');
  const ok = nfiles !== undefined ? new RegExp(`^\\s*nfiles: ${nfiles}$`, 'm').test(text) : new RegExp(`^\\s*size: ${size}$`, 'm').test(text);
  if (!ok) throw new Error(`${dvcFile} does not record ${nfiles !== undefined ? `nfiles: ${nfiles}` : `size: ${size}`}:\n${text}`);
}
