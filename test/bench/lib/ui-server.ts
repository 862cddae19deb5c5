// `lockstep ui` as a long-running child process for the UI benchmark, and the renderer build it serves.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { onAbnormalExit } from './cleanup.ts';
import { benchEnv, CLI_MAIN, PROJECT_ROOT } from './lockstep.ts';
import { runQuiet } from './proc.ts';

/** A running `lockstep ui`. */
export interface UiServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `lockstep ui --repo REPO --port 0 --json` and waits for the URL it prints. */
export async function startUiServer(repo: string, configDir: string): Promise<UiServer> {
  const child = spawn(process.execPath, [CLI_MAIN, 'ui', '--repo', repo, '--port', '0', '--json'], {
    cwd: repo,
    env: benchEnv({ XDG_CONFIG_HOME: configDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const unregister = onAbnormalExit(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /"url":"([^"]+)"/.exec(out) ?? /(http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`lockstep ui exited with ${code} before printing its URL:\n${stderr}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      unregister();
    },
  };
}

const RENDERER_INDEX = path.join(PROJECT_ROOT, 'out', 'renderer', 'index.html');

/**
 * Makes sure out/renderer (what `lockstep ui` serves) is built from the current sources: builds it with
 * Vite when it is missing or older than any file under renderer/ or shared/. Returns what it did.
 */
export async function ensureRendererBuilt(): Promise<string> {
  const built = mtimeOf(RENDERER_INDEX);
  const newest = Math.max(newestMtime(path.join(PROJECT_ROOT, 'renderer')), newestMtime(path.join(PROJECT_ROOT, 'shared')));
  if (built !== undefined && built >= newest) return `out/renderer up to date (built ${new Date(built).toISOString()})`;
  await runQuiet(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'build/vite.config.ts', '--logLevel', 'warn'], { cwd: PROJECT_ROOT, timeoutMs: 10 * 60_000 });
  return `out/renderer rebuilt with vite (${built === undefined ? 'was missing' : 'sources were newer'})`;
}

function mtimeOf(p: string): number | undefined {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, mtimeOf(path.join(e.parentPath, e.name)) ?? 0);
  }
  return newest;
}
