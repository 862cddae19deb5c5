import type { Handlers } from '../../../shared/contract.ts';
import type { ServiceContext } from '../context.ts';

/** The transfers panel: list, cancel and retry jobs. */
export function jobHandlers(ctx: ServiceContext): Pick<Handlers, 'jobs:list' | 'jobs:cancel' | 'jobs:retry'> {
  return {
    'jobs:list': async () => ctx.jobs.list(),
    'jobs:cancel': async ({ jobId }) => {
      ctx.jobs.cancel(jobId);
      return null;
    },
    'jobs:retry': async ({ jobId }) => ({ jobId: ctx.jobs.retry(jobId).id }),
  };
}
