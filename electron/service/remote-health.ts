import type { RemoteHealth } from '../../shared/model.ts';
import type { Repo } from '../core/repo/open-repo.ts';

const lastTest = new Map<string, RemoteHealth>();

/** Records the outcome of a connection test (or a transfer) so the sidebar can show it. */
export function recordRemoteHealth(repoId: string, health: RemoteHealth): void {
  lastTest.set(`${repoId}\0${health.name}`, health);
}

/** The default remote's last known health; `unknown` until a test or a transfer has run. */
export function remoteHealth(repo: Repo, repoId: string): RemoteHealth | null {
  const name = repo.config.core.remote;
  if (!name) return null;
  return lastTest.get(`${repoId}\0${name}`) ?? { name, state: 'unknown' };
}
