import type { JobNotice } from '../../shared/job-notice.ts';

/** Shows system notifications from the page, when the user allowed them. */
export interface SystemNotifier {
  /** Shows the notice and returns true, or returns false (not permitted, or the window has focus). */
  show(notice: JobNotice): boolean;
  /** Asks for permission once; call it from a click, which browsers require. */
  requestPermission(): void;
}

/** The parts of `window` the notifier needs, so tests can pass a fake one. */
export interface NotifierHost {
  readonly Notification?: { readonly permission: NotificationPermission; requestPermission(): Promise<NotificationPermission> } & (new (title: string, options?: NotificationOptions) => unknown);
  readonly document: { hasFocus(): boolean; readonly visibilityState: DocumentVisibilityState };
}

/**
 * The web Notification API for browser mode: a notice goes to the system only when the user granted
 * permission and is looking elsewhere (another tab or app); otherwise the caller shows its in-app toast.
 * In Electron the page is never granted the permission (main shows native notifications instead), so
 * this falls back to the toast there too.
 */
export function createWebNotifier(host: NotifierHost): SystemNotifier {
  return {
    show(notice) {
      const N = host.Notification;
      if (!N || N.permission !== 'granted') return false;
      if (host.document.visibilityState === 'visible' && host.document.hasFocus()) return false;
      try {
        new N(notice.title, { body: notice.body, tag: 'lockstep-job' });
        return true;
      } catch {
        return false;
      }
    },
    requestPermission() {
      const N = host.Notification;
      if (N?.permission === 'default') void N.requestPermission().catch(() => 'denied');
    },
  };
}
