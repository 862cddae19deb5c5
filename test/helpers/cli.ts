import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Absolute path of the CLI entry the tests run: `node electron/cli/main.ts`. */
export const CLI_MAIN = fileURLToPath(new URL('../../electron/cli/main.ts', import.meta.url));

/** The outcome of one CLI run. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for `--json` runs); throws with the raw output when it is not JSON. */
  json<T = unknown>(): T;
}

/** Options for spawning the CLI. */
export interface CliSpawnOptions {
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /** Kill the child with SIGKILL after this long (default 120 s) so a hung test cannot hang the suite. */
  readonly timeoutMs?: number;
}

/** Spawns the real CLI as a child process and collects its output. */
export function spawnCli(args: readonly string[], opts: CliSpawnOptions): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], opts: CliSpawnOptions): Promise<CliRun> {
  const child = spawnCli(args, opts);
  child.stdin.end();
  return collect(child, opts.timeoutMs ?? 120_000);
}

/** Waits for a spawned child to exit and gathers its output. */
export function collect(child: ChildProcessWithoutNullStreams, timeoutMs = 120_000): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        json<T>(): T {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`CLI stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      });
    });
  });
}
