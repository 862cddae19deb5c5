import type { Handlers } from '../../../shared/contract.ts';
import { LockstepError } from '../../core/errors/index.ts';
import type { ServiceContext } from '../context.ts';

type RestoreChannels = 'restore:plan' | 'restore:run' | 'restore:undo';

/**
 * Restore and undo are engine operations of issue 4 (`electron/core/ops/restore.ts`, `undo.ts`). Until
 * they land in this tree the service answers with a clear error instead of guessing at their behaviour:
 * a restore that is not exactly the engine's could lose data.
 */
export function restoreHandlers(ctx: ServiceContext): Pick<Handlers, RestoreChannels> {
  const unavailable = (repoId: string): never => {
    ctx.repos.repo(repoId);
    throw new LockstepError('INTERNAL', 'Restoring a run needs the engine\'s restore operation, which is not part of this build yet. Use `git checkout <commit>` and `lockstep checkout` meanwhile.', { feature: 'restore' });
  };
  return {
    'restore:plan': async ({ repoId }) => unavailable(repoId),
    'restore:run': async ({ repoId }) => unavailable(repoId),
    'restore:undo': async ({ repoId }) => unavailable(repoId),
  };
}
