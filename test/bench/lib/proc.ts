// Runs child processes for measurement: wall time from the harness clock, peak RSS from GNU time
// (`/usr/bin/time -f %M`, apt `time`) or, when that is missing, by sampling /proc/<pid>/status VmHWM.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const GNU_TIME = '/usr/bin/time';

/** True when GNU time is installed, so peak RSS covers the whole process tree's largest member. */
export const hasGnuTime = existsSync(GNU_TIME);

/** How to run one measured command. */
export interface TimedOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Text fed to stdin (closed right after). */
  readonly input?: string;
  /** Kill the child after this long; the run then fails. Default 30 minutes. */
  readonly timeoutMs?: number;
  /** Fail when the exit code is not 0 (default true). */
  readonly check?: boolean;
  /** Measure peak RSS (default true). */
  readonly rss?: boolean;
}

/** The outcome of one measured command. */
export interface TimedRun {
  readonly code: number | null;
  readonly wallMs: number;
  /** Peak resident set size in MiB, or undefined when it could not be measured. */
  readonly peakRssMiB?: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cmd args` to completion and measures its wall time and peak memory. The clock starts right
 * before spawn and stops at exit, so process start-up counts, as it does for a user.
 */
export async function runTimed(cmd: string, args: readonly string[], opts: TimedOptions): Promise<TimedRun> {
  const wantRss = opts.rss ?? true;
  let rssFile: string | undefined;
  let rssDir: string | undefined;
  let argv0 = cmd;
  let argv = [...args];
  if (wantRss && hasGnuTime) {
    rssDir = await mkdtemp(path.join(tmpdir(), 'lockstep-bench-time-'));
    rssFile = path.join(rssDir, 'rss');
    argv0 = GNU_TIME;
    argv = ['-f', '%M', '-o', rssFile, cmd, ...args];
  }
  try {
    const started = process.hrtime.bigint();
    const child = spawn(argv0, argv, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let sampledHwmKiB = 0;
    const sampler = wantRss && !hasGnuTime && child.pid !== undefined ? startHwmSampler(child.pid, (k) => (sampledHwmKiB = Math.max(sampledHwmKiB, k))) : undefined;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    if (child.stdin) {
      // A child that exits without reading its input closes the pipe: not an error of the measurement.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30 * 60_000);
    let code: number | null;
    try {
      code = await new Promise<number | null>((resolve, reject) => {
        child.on('error', (err) => reject(new Error(`cannot run ${cmd} in ${opts.cwd}: ${err.message}`)));
        child.on('close', (c) => resolve(c));
      });
    } finally {
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
    }
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    const stdout = Buffer.concat(out).toString('utf8');
    const stderr = Buffer.concat(err).toString('utf8');
    if ((opts.check ?? true) && code !== 0) {
      throw new Error(`${cmd} ${args.join(' ')} exited with ${code}\n${tail(stderr)}${tail(stdout)}`);
    }
    let peakRssMiB: number | undefined;
    if (rssFile) {
      const kib = Number.parseInt((await readFile(rssFile, 'utf8').catch(() => '')).trim().split('\n').pop() ?? '', 10);
      if (Number.isFinite(kib)) peakRssMiB = kib / 1024;
    } else if (sampledHwmKiB > 0) {
      peakRssMiB = sampledHwmKiB / 1024;
    }
    return { code, wallMs, peakRssMiB, stdout, stderr };
  } finally {
    if (rssDir) await rm(rssDir, { recursive: true, force: true });
  }
}

/** Runs a shell pipeline (`bash -c`), measured like any command. */
export function runShellTimed(script: string, opts: TimedOptions): Promise<TimedRun> {
  return runTimed('bash', ['-o', 'pipefail', '-c', script], opts);
}

/** Runs a command for setup (not measured) and returns stdout; throws with stderr on failure. */
export async function runQuiet(cmd: string, args: readonly string[], opts: Omit<TimedOptions, 'rss'>): Promise<string> {
  const r = await runTimed(cmd, args, { ...opts, rss: false });
  return r.stdout;
}

/** Reads `paths` once (output discarded) so the following measurements all start with a warm page cache. */
export async function warmPageCache(paths: string | readonly string[], cwd: string): Promise<void> {
  const list = typeof paths === 'string' ? [paths] : paths;
  await runTimed('bash', ['-c', 'cat -- "$@" > /dev/null', 'warm', ...list], { cwd, rss: false });
}

// VmHWM is the kernel's own high-water mark, so sampling it every 20 ms loses nothing but the last
// few milliseconds before exit.
function startHwmSampler(pid: number, onKiB: (kib: number) => void): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m?.[1]) onKiB(Number(m[1]));
    } catch {
      // The process has exited between samples.
    }
  }, 20);
}

function tail(s: string, lines = 15): string {
  const t = s.trimEnd();
  return t ? t.split('\n').slice(-lines).join('\n') + '\n' : '';
}
