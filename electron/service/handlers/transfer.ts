import { push } from '../../core/ops/push.ts';
import { pull } from '../../core/ops/pull.ts';
import type { ServiceContext } from '../context.ts';
import type { JobSpec } from '../jobs.ts';
import { recordRemoteHealth } from '../remote-health.ts';
import { forgetCloudStatus } from '../cloud-badges.ts';

interface TransferInput {
  readonly remote?: string | undefined;
  readonly targets?: readonly string[] | undefined;
}

function remoteLabel(ctx: ServiceContext, repoId: string, remote: string | undefined): string {
  return remote ?? ctx.repos.repo(repoId).config.core.remote ?? 'the default remote';
}

/** Records the remote as reachable after a transfer went through, unreachable after a remote error. */
async function tracked<T>(ctx: ServiceContext, repoId: string, remote: string | undefined, fn: () => Promise<T>): Promise<T> {
  const name = remote ?? ctx.repos.repo(repoId).config.core.remote;
  // Whatever happened, what the remote holds may have changed: the next status asks again.
  forgetCloudStatus(repoId);
  try {
    const r = await fn();
    forgetCloudStatus(repoId);
    if (name) recordRemoteHealth(repoId, { name, state: 'ok' });
    return r;
  } catch (err) {
    forgetCloudStatus(repoId);
    const code = (err as { code?: string }).code ?? '';
    if (name && code.startsWith('REMOTE')) recordRemoteHealth(repoId, { name, state: 'error', message: (err as Error).message });
    throw err;
  }
}

/** A push as a retryable job: only missing objects move, so a retry resumes where the last one stopped. */
export function pushJobSpec(ctx: ServiceContext, repoId: string, input: TransferInput): JobSpec {
  return {
    kind: 'push',
    repoId,
    title: `Push to ${remoteLabel(ctx, repoId, input.remote)}`,
    retryable: true,
    run: ({ signal, onProgress }) =>
      tracked(ctx, repoId, input.remote, () => push(ctx.repos.repo(repoId), { remote: input.remote, targets: input.targets, signal, onProgress })),
  };
}

/** A pull (fetch + checkout) as a retryable job; checkout keeps its refusal to overwrite unsaved work. */
export function pullJobSpec(ctx: ServiceContext, repoId: string, input: TransferInput): JobSpec {
  return {
    kind: 'pull',
    repoId,
    title: `Pull from ${remoteLabel(ctx, repoId, input.remote)}`,
    retryable: true,
    run: ({ signal, onProgress }) =>
      tracked(ctx, repoId, input.remote, () => pull(ctx.repos.repo(repoId), { remote: input.remote, targets: input.targets, signal, onProgress })),
  };
}
