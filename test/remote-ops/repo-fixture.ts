import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { add } from '../../electron/core/ops/add.ts';
import { remoteAdd, remoteModify } from '../../electron/core/ops/remote-config.ts';
import { openRepo, type Repo } from '../../electron/core/repo/open-repo.ts';
import { makeGitRepo, removeTree, type TestGitRepo } from '../helpers/git-repo.ts';
import { S3RVER_KEY, S3RVER_SECRET } from '../helpers/s3rver.ts';

/**
 * How a test repo reaches its remote: an S3 endpoint + bucket, or a folder. `keys: false` leaves the S3
 * remote without s3rver's static keys, for tests that bring credentials another way (a profile).
 */
export type RemoteSpec = { kind: 's3'; endpoint: string; bucket: string; prefix: string; keys?: boolean } | { kind: 'local'; dir: string };

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };

/** Configures remote "storage" as the default, with s3rver's keys in config.local for S3 (unless `keys: false`). */
export async function configureRemote(dvcDir: string, spec: RemoteSpec): Promise<void> {
  if (spec.kind === 'local') {
    await remoteAdd({ dvcDir }, { name: 'storage', url: spec.dir, makeDefault: true });
    return;
  }
  await remoteAdd({ dvcDir }, { name: 'storage', url: `s3://${spec.bucket}/${spec.prefix}`, makeDefault: true });
  await remoteModify({ dvcDir }, { name: 'storage', option: 'endpointurl', value: spec.endpoint });
  if (spec.keys !== false) {
    await remoteModify({ dvcDir }, { name: 'storage', option: 'access_key_id', value: S3RVER_KEY });
    await remoteModify({ dvcDir }, { name: 'storage', option: 'secret_access_key', value: S3RVER_SECRET });
  }
  await remoteModify({ dvcDir }, { name: 'storage', option: 'read_timeout', value: '2' });
}

/** Points the configured remote's endpoint somewhere else (e.g. through the fault proxy). */
export async function setEndpoint(dvcDir: string, endpoint: string): Promise<void> {
  await remoteModify({ dvcDir }, { name: 'storage', option: 'endpointurl', value: endpoint, local: true });
}

/** A repo with `data/` (n small files) and `model.bin` tracked and committed, and the remote configured. */
export async function makeDataRepo(spec: RemoteSpec, n = 20): Promise<{ git: TestGitRepo; open: () => Promise<Repo> }> {
  const git = await makeGitRepo({ dvc: true });
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) files[`data/part-${String(i).padStart(3, '0')}.csv`] = `id,value\n${i},${'x'.repeat(i * 7)}\n`;
  files['model.bin'] = 'model weights v1\n'.repeat(4000);
  await git.write(files);
  await configureRemote(path.join(git.dir, '.dvc'), spec);
  const repo = await openRepo(git.dir);
  try {
    await add(repo, { targets: ['data', 'model.bin'] });
  } finally {
    repo.close();
  }
  git.commit('track data');
  return { git, open: () => openRepo(git.dir) };
}

/** Clones `src` with git (pointers only, no data), configures the same remote. */
export async function cloneRepo(src: TestGitRepo, spec: RemoteSpec, into: string): Promise<{ dir: string; open: () => Promise<Repo>; cleanup: () => Promise<void> }> {
  execFileSync('git', ['clone', '-q', src.dir, into], { env: GIT_ENV, stdio: 'ignore' });
  if (spec.kind === 's3' && spec.keys !== false) {
    // Secrets live in config.local, which git does not carry: set them again, as a teammate would.
    await remoteModify({ dvcDir: path.join(into, '.dvc') }, { name: 'storage', option: 'access_key_id', value: S3RVER_KEY });
    await remoteModify({ dvcDir: path.join(into, '.dvc') }, { name: 'storage', option: 'secret_access_key', value: S3RVER_SECRET });
  }
  return { dir: into, open: () => openRepo(into), cleanup: () => removeTree(into) };
}

/** `git pull` in a clone. */
export function gitPull(dir: string): void {
  execFileSync('git', ['pull', '-q'], { cwd: dir, env: GIT_ENV, stdio: 'ignore' });
}
