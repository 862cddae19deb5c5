// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bridge, EventChannel, RequestChannel } from '../../shared/contract.ts';
import { fail, ok, type Result } from '../../shared/errors.ts';
import type { Job, RepoStatus, RepoSummary, TimelineCommit } from '../../shared/model.ts';
import { createApiClient } from '../../renderer/api/client.ts';
import { createAppStore } from '../../renderer/store/index.ts';
import { StoreProvider } from '../../renderer/store/react.ts';
import { App } from '../../renderer/App.tsx';
import { formatBytes, formatEta, formatRelative } from '../../renderer/format.ts';
import { createWebNotifier, type NotifierHost } from '../../renderer/api/notify.ts';
import type { DroppedFile } from '../../renderer/api/client.ts';

const REPO: RepoSummary = { id: 'r1', root: '/work/churn', name: 'churn', needsInit: false, branch: 'main', head: 'a'.repeat(40), defaultRemote: 'store' };

function commit(i: number): TimelineCommit {
  return {
    oid: i.toString(16).padStart(40, '0'), parents: [], message: `Commit number ${i}`, author: 'Ada', date: Date.now() - i * 60_000,
    refs: i === 0 ? [{ name: 'main', kind: 'branch' }] : [], data: i % 2 === 0 ? [{ path: 'data/train', change: 'modified', sizeDelta: 1024, nfilesDelta: 2 }] : [],
    params: [], metrics: [], envChanged: false,
  };
}

/** A fake transport: canned answers per channel, a log of calls, and a way to push events. */
function fakeBridge(answers: Partial<Record<RequestChannel, (input: Record<string, unknown>) => Result<unknown>>>) {
  const calls: [string, unknown][] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const bridge: Bridge = {
    invoke: async (channel, input) => {
      calls.push([channel, input]);
      const a = answers[channel];
      return (a ? a(input as Record<string, unknown>) : fail('UNKNOWN_CHANNEL', `no fake for ${channel}`)) as never;
    },
    on: (event, l) => {
      const s = listeners.get(event) ?? new Set();
      s.add(l as (p: unknown) => void);
      listeners.set(event, s);
      return () => s.delete(l as (p: unknown) => void);
    },
  };
  const emit = (event: EventChannel, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { bridge, calls, emit };
}

const STATUS: RepoStatus = {
  items: [{ path: 'data/train', source: 'data/train.dvc', md5: 'x.dir', isDir: true, size: 2048, nfiles: 4, badges: ['modified'] }],
  dirtyFiles: 0, remote: { name: 'store', state: 'ok' }, checkedAt: 0,
};

function setup(extra: Parameters<typeof fakeBridge>[0] = {}, clientExtras: Parameters<typeof createApiClient>[1] = {}) {
  const fake = fakeBridge({
    'app:info': () => ok({ mode: 'browser', version: 't', initialRepo: '/work/churn', canPickFolder: false, dropMode: 'upload' }),
    'repo:recent': () => ok([]),
    'repo:open': () => ok(REPO),
    'repo:status': () => ok(STATUS),
    'jobs:list': () => ok([]),
    'timeline:page': (i) => {
      const all = Array.from({ length: 10_000 }, (_, n) => commit(n)).filter((c) => !i.dataOnly || c.data.length > 0);
      const offset = i.offset as number;
      return ok({ total: all.length, offset, commits: all.slice(offset, offset + (i.limit as number)) });
    },
    'commit:detail': (i) => ok({ commit: commit(parseInt(String(i.oid), 16)), outputs: [], codeFiles: [], environment: { fingerprint: null, files: [], changed: false } }),
    ...extra,
  });
  const store = createAppStore(createApiClient(fake.bridge, clientExtras));
  render(
    <StoreProvider store={store}>
      <App />
    </StoreProvider>,
  );
  void store.getState().boot();
  return { ...fake, store };
}

// jsdom does no layout: give elements the size a real window would so the virtual list has a viewport.
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 720 });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 720 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  HTMLElement.prototype.getBoundingClientRect = function () {
    return { x: 0, y: 0, top: 0, left: 0, bottom: 720, right: 800, width: 800, height: 720, toJSON: () => ({}) } as DOMRect;
  };
});

afterEach(() => cleanup());

describe('renderer', () => {
  it('opens the start-up repository, shows badges and a virtualised timeline of 10,000 commits', async () => {
    setup();
    await screen.findByText('Commit number 0');
    expect(screen.getByText('modified')).toBeTruthy();
    expect(screen.getByText('10000 commits')).toBeTruthy();
    // Only a window of rows exists in the DOM, not 10,000.
    expect(document.querySelectorAll('.trow').length).toBeLessThan(60);
  });

  it('filters to data commits and moves the selection with the keyboard', async () => {
    const { calls } = setup();
    await screen.findByText('Commit number 0');
    fireEvent.click(screen.getByRole('checkbox', { name: /Data changes only/ }));
    await screen.findByText('5000 commits');
    expect(calls.some(([c, i]) => c === 'timeline:page' && (i as { dataOnly?: boolean }).dataOnly === true)).toBe(true);
    const list = screen.getByRole('listbox', { name: 'Timeline' });
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    await waitFor(() => expect(calls.some(([c]) => c === 'commit:detail')).toBe(true));
    fireEvent.keyDown(list, { key: 'ArrowDown' });
    await screen.findByRole('heading', { name: 'Commit number 2' });
  });

  it('shows a failed job as a banner with the next action, and progress in Transfers', async () => {
    const { store, emit } = setup();
    await screen.findByText('Commit number 0');
    const running: Job = { id: 'j1', kind: 'push', repoId: 'r1', title: 'Push to store', state: 'running', startedAt: Date.now(), retryable: false, progress: { phase: 'upload', loaded: 512, total: 1024, unit: 'bytes', rate: 2048, etaMs: 250 } };
    act(() => emit('job:update', running));
    fireEvent.click(screen.getByRole('button', { name: /Transfers/ }));
    expect(screen.getByRole('progressbar', { name: 'Push to store progress' }).getAttribute('aria-valuenow')).toBe('50');
    expect(screen.getByText(/2\.0 KB\/s/)).toBeTruthy();
    act(() => emit('job:update', { ...running, state: 'failed', retryable: true, error: { code: 'REMOTE_AUTH', message: 'The bucket refused the credentials.', data: {} } }));
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toContain('The bucket refused the credentials.');
    expect(banner.textContent).toContain('Test connection');
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(store.getState().jobs.j1?.state).toBe('failed');
  });

  it('shows the start-up repository without waiting for the recents list', async () => {
    // A recents list that never arrives must not hold back the timeline (it is only shown on the start screen).
    setup({ 'repo:recent': () => new Promise<never>(() => {}) as never });
    await screen.findByText('Commit number 0');
    expect(screen.getByText('10000 commits')).toBeTruthy();
  });

  it('lays rows out at one fixed height without measuring them, with long change lists cut short', async () => {
    const wide: TimelineCommit = {
      ...commit(0),
      data: Array.from({ length: 6 }, (_, n) => ({ path: `data/part${n}`, change: 'added' as const, sizeDelta: 10, nfilesDelta: 1 })),
    };
    setup({ 'timeline:page': (i) => ok({ total: 10_000, offset: i.offset, commits: Array.from({ length: i.limit as number }, (_, n) => (n + (i.offset as number) === 0 ? wide : commit(n + (i.offset as number)))) }) });
    await screen.findByText('Commit number 1');
    const fourth = document.querySelector<HTMLElement>('[role="option"][aria-posinset="4"]')!;
    expect(fourth.style.height).toBe('80px');
    expect(fourth.style.transform).toBe('translateY(240px)');
    expect(fourth.getAttribute('aria-setsize')).toBe('10000');
    expect(screen.getByText('+ data/part0 +1 file (+10 B)')).toBeTruthy();
    expect(screen.queryByText(/data\/part4/)).toBeNull();
    expect(screen.getByText('+2 more').getAttribute('title')).toBe('data/part4\ndata/part5');
  });

  it('reuses row elements as the list scrolls, each showing the commit at its own position', async () => {
    setup();
    await screen.findByText('Commit number 0');
    const list = screen.getByRole('listbox', { name: 'Timeline' });
    let offset = 0;
    // jsdom has no scrolling: report the offset the list reads, then fire the scroll it listens to.
    Object.defineProperty(list, 'scrollTop', { configurable: true, get: () => offset });
    const scrollTo = async (px: number, lastRow: number) => {
      offset = px;
      fireEvent.scroll(list);
      await screen.findByText(`Commit number ${lastRow}`);
    };
    const rowElements = () => [...document.querySelectorAll<HTMLElement>('[role="option"]')];
    await scrollTo(9 * 80, 21);
    const before = rowElements();
    await scrollTo(18 * 80, 30);
    const after = rowElements();
    // Nine rows entered the window; they took over the elements of the nine that left it rather than
    // each getting a new element (a new element costs the browser a fresh style, layout and paint).
    const entered = after.filter((el) => Number(el.getAttribute('aria-posinset')) > 22).length;
    const created = after.filter((el) => !before.includes(el)).length;
    expect(entered).toBe(9);
    expect(created).toBeLessThan(entered / 2);
    expect(screen.queryByText('Commit number 13')).toBeNull();
    // Every row in the DOM shows the commit its position says and sits where its own index puts it.
    for (const el of after) {
      const index = Number(el.getAttribute('aria-posinset')) - 1;
      expect(el.querySelector('.trow-msg')!.textContent).toBe(`Commit number ${index}`);
      expect(el.style.transform).toBe(`translateY(${index * 80}px)`);
    }
  });

  it('reports a failed request as a banner instead of throwing', async () => {
    setup({ 'repo:open': () => fail('NOT_A_GIT_REPO', '/work/churn is not inside a git repository.') });
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).toContain('/work/churn is not inside a git repository.');
    expect(banner.textContent).toContain('git init');
    expect(screen.getByRole('heading', { name: 'Open a repository' })).toBeTruthy();
  });
});

/** A window stand-in for the web notifier: permission, focus, and the notifications it created. */
function fakeHost(permission: NotificationPermission, focused: boolean) {
  const created: { title: string; body?: string }[] = [];
  let asked = 0;
  const N = class {
    static permission = permission;
    static requestPermission() {
      asked++;
      return Promise.resolve(permission);
    }
    constructor(title: string, options?: NotificationOptions) {
      created.push({ title, ...(options?.body !== undefined ? { body: options.body } : {}) });
    }
  };
  const host: NotifierHost = { Notification: N, document: { hasFocus: () => focused, visibilityState: focused ? 'visible' : 'hidden' } };
  return { host, created, asked: () => asked };
}

describe('job notifications and drops in the window', () => {
  const done: Job = { id: 'j9', kind: 'push', repoId: 'r1', title: 'Push to store', state: 'done', startedAt: Date.now() - 4000, endedAt: Date.now(), retryable: false, progress: { phase: 'upload', loaded: 2048, unit: 'bytes' } };

  it('sends a finished push to the system when permitted and the page is in the background, not as a toast', async () => {
    const fake = fakeHost('granted', false);
    const { emit } = setup({}, { notifier: createWebNotifier(fake.host) });
    await screen.findByText('Commit number 0');
    act(() => emit('job:update', { ...done, state: 'running', endedAt: undefined }));
    act(() => emit('job:update', done));
    expect(fake.created).toEqual([{ title: 'Push to store: done', body: 'Finished (2.0 KB).' }]);
    expect(screen.queryByText('Push to store: done')).toBeNull();
  });

  it('falls back to the in-app toast when notifications are not permitted, and asks from a push click', async () => {
    const fake = fakeHost('default', false);
    const { emit, store } = setup({ 'data:push': () => ok({ jobId: 'j9' }) }, { notifier: createWebNotifier(fake.host) });
    await screen.findByText('Commit number 0');
    await act(() => store.getState().pushData());
    expect(fake.asked()).toBe(1);
    act(() => emit('job:update', done));
    expect(fake.created).toEqual([]);
    expect(await screen.findByText('Push to store: done')).toBeTruthy();
  });

  it('uploads files dropped on a tracked folder into it and tracks the folder', async () => {
    const uploads: { dest: string; files: string[] }[] = [];
    const upload = async (_repoId: string, files: readonly DroppedFile[], dest: string) => {
      uploads.push({ dest, files: files.map((f) => f.relPath) });
    };
    const { calls, store } = setup({ 'data:track': () => ok({ jobId: 't1' }) }, { upload });
    await screen.findByText('Commit number 0');
    const row = screen.getByText('data/train').closest('li')!;
    const file = new File(['id\n1\n'], 'more.csv', { type: 'text/csv' });
    const dataTransfer = { types: ['Files'], files: [file], items: [], dropEffect: 'none' };
    fireEvent.dragOver(row, { dataTransfer });
    expect(await screen.findByText('Drop to add files to data/train')).toBeTruthy();
    fireEvent.drop(row, { dataTransfer });
    await waitFor(() => expect(calls.some(([c]) => c === 'data:track')).toBe(true));
    expect(uploads).toEqual([{ dest: 'data/train', files: ['more.csv'] }]);
    expect(calls.find(([c]) => c === 'data:track')![1]).toEqual({ repoId: 'r1', paths: ['data/train/more.csv'], into: 'data/train' });
    expect(store.getState().track).toMatchObject({ step: 'tracking', into: 'data/train', jobId: 't1' });
  });
});

describe('format', () => {
  it('formats sizes, times and ETAs for people', () => {
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(null)).toBe('—');
    expect(formatRelative(Date.now() - 3 * 3600_000)).toBe('3 hours ago');
    expect(formatEta(65_000)).toBe('1 min 5 s left');
  });
});
