import { describe, expect, it } from 'vitest';
import type { NotificationConstructorOptions } from 'electron';
import { notifyJobEnds, type NotificationClass } from '../../electron/main/notifications.ts';
import { jobNotice } from '../../shared/job-notice.ts';
import type { Job } from '../../shared/model.ts';

const base: Job = { id: 'j1', kind: 'push', repoId: 'r', title: 'Push to store', state: 'running', startedAt: 1_000, retryable: false };

/** A stand-in for Electron's Notification class that records what was shown and lets a test click it. */
function fakeNotifications(supported = true) {
  const shown: { options: NotificationConstructorOptions; click: () => void }[] = [];
  const Fake = class {
    private readonly options: NotificationConstructorOptions;
    private onClick: () => void = () => {};
    constructor(options: NotificationConstructorOptions) {
      this.options = options;
    }
    static isSupported() {
      return supported;
    }
    on(_event: 'click', l: () => void) {
      this.onClick = l;
      return this;
    }
    show() {
      shown.push({ options: this.options, click: () => this.onClick() });
    }
  } satisfies NotificationClass;
  return { Fake, shown };
}

function harness(focused: boolean, supported = true) {
  let listener: (event: string, payload: unknown) => void = () => {};
  const { Fake, shown } = fakeNotifications(supported);
  let focusCalls = 0;
  const off = notifyJobEnds({ subscribe: (l) => ((listener = l), () => {}), Notification: Fake, anyWindowFocused: () => focused, focusWindow: () => focusCalls++ });
  return { emit: (job: Job) => listener('job:update', job), shown, off, focusCalls: () => focusCalls };
}

describe('job notices', () => {
  it('announces finished transfers, and local jobs only when they ran long', () => {
    expect(jobNotice(base)).toBeNull();
    expect(jobNotice({ ...base, state: 'done', endedAt: 2_000, progress: { phase: 'upload', loaded: 5 * 1024 * 1024, unit: 'bytes' } })).toEqual({ title: 'Push to store: done', body: 'Finished (5.0 MB).' });
    expect(jobNotice({ ...base, state: 'failed', endedAt: 2_000, error: { code: 'REMOTE_ERROR', message: 'bucket gone', data: {} } })).toEqual({ title: 'Push to store: failed', body: 'bucket gone' });
    const track: Job = { ...base, kind: 'track', title: 'Track images', state: 'done', endedAt: 3_000 };
    expect(jobNotice(track)).toBeNull();
    expect(jobNotice({ ...track, endedAt: 60_000 })).toMatchObject({ title: 'Track images: done' });
  });
});

describe('native notifications in the Electron main process', () => {
  it('shows one notification per finished job while no window has focus, and focuses the window on click', () => {
    const h = harness(false);
    h.emit(base);
    expect(h.shown).toHaveLength(0);
    h.emit({ ...base, state: 'done', endedAt: 5_000 });
    h.emit({ ...base, state: 'done', endedAt: 5_000 }); // repeated final snapshot: still one
    expect(h.shown.map((s) => s.options.title)).toEqual(['Push to store: done']);
    h.shown[0]!.click();
    expect(h.focusCalls()).toBe(1);
  });

  it('stays quiet while a window has focus (the toast says it) or when the OS has no notifications', () => {
    const focused = harness(true);
    focused.emit({ ...base, state: 'done', endedAt: 5_000 });
    expect(focused.shown).toHaveLength(0);
    const unsupported = harness(false, false);
    unsupported.emit({ ...base, state: 'failed', endedAt: 5_000 });
    expect(unsupported.shown).toHaveLength(0);
  });
});
