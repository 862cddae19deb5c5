import path from 'node:path';

/** Why a committed file matters to the data timeline. */
export type FileRole = 'dvcfile' | 'lock' | 'dvcyaml' | 'params' | 'metrics' | 'env';

/** Files whose contents pin the software environment a run used. */
const ENV_NAMES = new Set(['poetry.lock', 'uv.lock', 'Pipfile.lock', 'environment.yml', 'environment.yaml', 'Dockerfile', '.python-version']);
const REQUIREMENTS = /^requirements.*\.txt$/;

/** True for an environment file name (`requirements-dev.txt`, `poetry.lock`, `Dockerfile`, ...). */
export function isEnvFileName(name: string): boolean {
  return ENV_NAMES.has(name) || REQUIREMENTS.test(name);
}

/**
 * The role of a committed path, or null when the data timeline ignores it. `declared` holds the params
 * and metrics files that the commit's `dvc.yaml` files name (params.yaml is always a params file).
 */
export function roleOf(relPath: string, declared: { params: ReadonlySet<string>; metrics: ReadonlySet<string> }): FileRole | null {
  const name = path.posix.basename(relPath);
  if (name.endsWith('.dvc') && name !== '.dvc' && !relPath.startsWith('.dvc/')) return 'dvcfile';
  if (name === 'dvc.lock') return 'lock';
  if (name === 'dvc.yaml') return 'dvcyaml';
  if (name === 'params.yaml' || declared.params.has(relPath)) return 'params';
  if (declared.metrics.has(relPath)) return 'metrics';
  if (isEnvFileName(name)) return 'env';
  return null;
}
