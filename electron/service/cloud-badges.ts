import { cloudStatus } from '../core/ops/cloud-status.ts';
import type { Repo } from '../core/repo/open-repo.ts';
import type { TrackedOutput } from '../core/repo/outputs.ts';
import { recordRemoteHealth } from './remote-health.ts';

interface Cached {
  readonly key: string;
  readonly notPushed: ReadonlySet<string>;
}

const cache = new Map<string, Cached>();
const inflight = new Map<string, { key: string; promise: Promise<ReadonlySet<string>> }>();
// Bumped by forgetCloudStatus: a check that started before a transfer finished must not cache its answer
// after it, or the stale "not pushed" would stick until the next version change.
const generation = new Map<string, number>();

/** How long one cloud check may take before the sidebar gives up on it for this refresh. */
const CHECK_TIMEOUT_MS = 20_000;

/**
 * Outputs whose objects are not all on their remote, for the sidebar's "not pushed" badge. It runs the
 * engine's `status --cloud` (which answers from the index of objects confirmed on the remote and asks the
 * remote only about the rest), and remembers the answer for the exact set of output versions: the sidebar
 * refreshes on every file event, but the answer can only change when a version changes or a transfer ran
 * (`forgetCloudStatus`). Outputs with `push: false` never get the badge: they are not meant to be pushed.
 * Without a remote, or when the remote cannot be reached, no output is badged and the remote's health
 * says why.
 */
export async function notPushedOutputs(repo: Repo, repoId: string, outputs: readonly TrackedOutput[]): Promise<ReadonlySet<string>> {
  const candidates = outputs.filter((o) => o.output.cache && o.output.push && o.output.md5 !== null);
  if (candidates.length === 0 || Object.keys(repo.config.remotes).length === 0) return new Set();
  const key = JSON.stringify([repo.config.core.remote ?? '', candidates.map((o) => [o.relPath, o.output.md5, o.output.remote ?? ''])]);
  const hit = cache.get(repoId);
  if (hit?.key === key) return hit.notPushed;
  const running = inflight.get(repoId);
  if (running?.key === key) return running.promise;
  const started = generation.get(repoId) ?? 0;
  const promise = check(repo, repoId, candidates.map((o) => o.relPath)).then((set) => {
    if (set !== null && (generation.get(repoId) ?? 0) === started) cache.set(repoId, { key, notPushed: set });
    return set ?? new Set<string>();
  });
  inflight.set(repoId, { key, promise });
  try {
    return await promise;
  } finally {
    if (inflight.get(repoId)?.promise === promise) inflight.delete(repoId);
  }
}

async function check(repo: Repo, repoId: string, targets: string[]): Promise<Set<string> | null> {
  try {
    const r = await cloudStatus(repo, { targets, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    const names = new Set(r.outputs.map((o) => o.remote));
    for (const name of names) recordRemoteHealth(repoId, { name, state: 'ok' });
    return new Set(r.outputs.filter((o) => o.objects.localOnly > 0).map((o) => o.path));
  } catch (err) {
    const name = repo.config.core.remote;
    if (name) recordRemoteHealth(repoId, { name, state: 'error', message: (err as Error).message });
    return null;
  }
}

/** Drops the remembered answer after a push, pull or fetch, so the next status asks again. */
export function forgetCloudStatus(repoId: string): void {
  generation.set(repoId, (generation.get(repoId) ?? 0) + 1);
  cache.delete(repoId);
  inflight.delete(repoId);
}
