import { LockstepError } from '../../core/errors/index.ts';
import type { CliOptions, CliValues } from '../command.ts';

/** `-r/--remote` and `-j/--jobs`, shared by push, pull and fetch. */
export const TRANSFER_OPTIONS: CliOptions = {
  remote: { type: 'string', short: 'r' },
  jobs: { type: 'string', short: 'j' },
};

/** Usage lines for the shared transfer options. */
export const TRANSFER_USAGE = `  -r, --remote <name>  remote to use (default: the output's remote, else core.remote)
  -j, --jobs <n>       objects transferred at once (default: the remote's jobs setting, else 4 per core)`;

/** Reads `-r` and `-j`; a `-j` that is not a whole number >= 1 is a USAGE error. */
export function transferArgs(values: CliValues): { remote?: string; jobs?: number } {
  const remote = typeof values.remote === 'string' ? values.remote : undefined;
  let jobs: number | undefined;
  if (typeof values.jobs === 'string') {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new LockstepError('USAGE', `-j/--jobs must be a whole number from 1 to 256, got "${values.jobs}".`, { jobs: values.jobs });
  }
  return { remote, jobs };
}
