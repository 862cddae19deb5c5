/**
 * What to tell the user when a job ends, shared by Electron's native notifications and browser mode's
 * web notifications so both say the same thing. Transfers and restores always get a notice; quick local
 * work (tracking a few files, a commit) only when it ran long enough for the user to look away.
 */
import type { Job } from './model.ts';

/** A finished job's notice: a title and one line of detail. */
export interface JobNotice {
  readonly title: string;
  readonly body: string;
}

/** Jobs that move data or rewrite the workspace: the user is usually waiting on them. */
const ALWAYS: ReadonlySet<Job['kind']> = new Set(['push', 'pull', 'fetch', 'restore', 'undo']);
/** Other jobs notify only past this duration. */
export const LONG_JOB_MS = 10_000;

function amount(job: Job): string {
  const p = job.progress;
  if (!p) return '';
  if (p.unit === 'bytes' || p.unit === undefined) {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let v = p.loaded;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return p.loaded > 0 ? ` (${i === 0 ? v : v.toFixed(1)} ${units[i]})` : '';
  }
  return p.loaded > 0 ? ` (${p.loaded} ${p.unit})` : '';
}

/** The notice for a job that just ended, or null when it is not worth interrupting the user. */
export function jobNotice(job: Job): JobNotice | null {
  if (job.state === 'running') return null;
  const ran = (job.endedAt ?? job.startedAt) - job.startedAt;
  if (!ALWAYS.has(job.kind) && ran < LONG_JOB_MS) return null;
  if (job.state === 'done') return { title: `${job.title}: done`, body: `Finished${amount(job)}.` };
  if (job.state === 'cancelled') return { title: `${job.title}: cancelled`, body: 'Stopped at a clean point; retry it from Transfers.' };
  return { title: `${job.title}: failed`, body: job.error?.message ?? 'See Transfers for details.' };
}
