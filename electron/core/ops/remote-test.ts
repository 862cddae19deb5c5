import type { RunOptions } from '../jobs/progress.ts';
import { openRemote } from '../remote/open-remote.ts';
import { probeRemote, type ProbeStep } from '../remote/probe.ts';
import type { Repo } from '../repo/open-repo.ts';

/** Result of {@link remoteTest}. */
export interface RemoteTestResult {
  readonly remote: string;
  readonly url: string;
  readonly steps: ProbeStep[];
}

/**
 * `lockstep remote test [name]`: credentials accepted, bucket reachable, a probe object written, read back
 * and deleted. The first failing step's error (REMOTE_AUTH, REMOTE_NOT_FOUND, REMOTE_ERROR, CONFIG_ERROR)
 * is thrown as is; its message says what to fix.
 */
export async function remoteTest(repo: Pick<Repo, 'config' | 'dvcDir'>, options: RunOptions & { remote?: string } = {}): Promise<RemoteTestResult> {
  const { remote } = await openRemote(repo.config, repo.dvcDir, options.remote);
  try {
    const steps = await probeRemote(remote, options.signal);
    return { remote: remote.name, url: String(repo.config.remotes[remote.name]?.url ?? remote.url), steps };
  } finally {
    remote.close();
  }
}
