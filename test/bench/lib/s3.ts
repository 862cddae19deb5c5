// s3rver as a separate process (so the server's CPU is not mixed into the harness), plus the
// configuration both Lockstep and rclone use to reach it.
import { spawn } from 'node:child_process';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onAbnormalExit } from './cleanup.ts';
import { benchEnv } from './lockstep.ts';

const SERVER_SCRIPT = fileURLToPath(new URL('../scripts/s3rver-server.ts', import.meta.url));

/** The bucket every remote benchmark uses. */
export const BUCKET = 'bench';

/** A running s3rver. */
export interface S3Server {
  readonly endpoint: string;
  /** Where s3rver keeps its files (to check what landed, and to free space between trials). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Starts s3rver storing under `dataDir` with the bench bucket created. */
export async function startS3rver(dataDir: string): Promise<S3Server> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', SERVER_SCRIPT, dataDir, BUCKET], { stdio: ['ignore', 'pipe', 'pipe'] });
  const unregister = onAbnormalExit(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`s3rver exited with ${code} before listening:\n${stderr}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      unregister();
    },
  };
}

/** Environment for both tools: s3rver's fixed credentials; AWS_CA_BUNDLE unset (rclone fails with it here). */
export function s3Env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = benchEnv({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', ...extra });
  delete env.AWS_CA_BUNDLE;
  delete env.AWS_PROFILE;
  return env;
}

/** rclone's remote `s3r:` pointing at the server, configured through environment variables only. */
export function rcloneEnv(server: S3Server): NodeJS.ProcessEnv {
  return s3Env({
    RCLONE_CONFIG_S3R_TYPE: 's3',
    RCLONE_CONFIG_S3R_PROVIDER: 'Other',
    RCLONE_CONFIG_S3R_ENV_AUTH: 'false',
    RCLONE_CONFIG_S3R_ACCESS_KEY_ID: 'S3RVER',
    RCLONE_CONFIG_S3R_SECRET_ACCESS_KEY: 'S3RVER',
    RCLONE_CONFIG_S3R_ENDPOINT: server.endpoint,
    RCLONE_CONFIG_S3R_REGION: 'us-east-1',
    RCLONE_CONFIG_S3R_FORCE_PATH_STYLE: 'true',
    // The bucket exists; rclone would otherwise try to create it on every run.
    RCLONE_CONFIG_S3R_NO_CHECK_BUCKET: 'true',
    RCLONE_CONFIG: '/dev/null',
  });
}

/**
 * Points the repo's default remote at `s3://bench/<prefix>` on the server, written the way `dvc remote
 * add -d` + `dvc remote modify endpointurl` write it (dvc-format.md §5.2). Credentials come from the env.
 */
export async function writeRemoteConfig(repo: string, server: S3Server, prefix: string): Promise<void> {
  const text = ['[core]', '    remote = bench', `['remote "bench"']`, `    url = s3://${BUCKET}/${prefix}`, `    endpointurl = ${server.endpoint}`, ''].join('\n');
  await writeFile(path.join(repo, '.dvc', 'config'), text);
}

/** Object count and total bytes s3rver holds under `prefix` (its on-disk objects end in `._S3rver_object`). */
export async function storedUnder(server: S3Server, prefix: string): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('._S3rver_object')) {
        objects++;
        bytes += (await stat(p)).size;
      }
    }
  };
  await walk(path.join(server.dataDir, BUCKET, prefix));
  return { objects, bytes };
}
