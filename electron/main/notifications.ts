import type { NotificationConstructorOptions } from 'electron';
import { jobNotice } from '../../shared/job-notice.ts';
import type { Job } from '../../shared/model.ts';

/** The slice of Electron's Notification class used here (a constructor, so tests can pass a fake). */
export interface NotificationClass {
  new (options: NotificationConstructorOptions): { show(): void; on(event: 'click', listener: () => void): unknown };
  isSupported(): boolean;
}

/**
 * Shows a native notification when a transfer, restore or long job ends while no Lockstep window has
 * focus (with focus, the window's own toast says it). Clicking the notification brings the window back.
 * Returns the unsubscribe function.
 */
export function notifyJobEnds(opts: {
  subscribe: (listener: (event: string, payload: unknown) => void) => () => void;
  Notification: NotificationClass;
  anyWindowFocused: () => boolean;
  focusWindow: () => void;
}): () => void {
  const reported = new Set<string>();
  return opts.subscribe((event, payload) => {
    if (event !== 'job:update') return;
    const job = payload as Job;
    if (job.state === 'running' || reported.has(job.id)) return;
    reported.add(job.id);
    if (reported.size > 1000) reported.clear();
    const notice = jobNotice(job);
    if (!notice || opts.anyWindowFocused() || !opts.Notification.isSupported()) return;
    const n = new opts.Notification({ title: notice.title, body: notice.body, silent: job.state === 'done' });
    n.on('click', opts.focusWindow);
    n.show();
  });
}
