import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { REQUEST_CHANNELS, type Handlers } from '../../shared/contract.ts';
import { LockstepError } from '../../electron/core/errors/index.ts';
import { createDispatcher } from '../../electron/service/dispatch.ts';
import { bindIpc, createSenderCheck, forwardEvents } from '../../electron/main/ipc-binding.ts';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** A stand-in for ipcMain: records handlers and invokes them the way Electron does. */
class FakeIpcMain {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: IpcMainInvokeEvent, ...args: unknown[]) {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event, ...args);
  }
}

function fakeEvent(opts: { id?: number; url?: string; parent?: unknown; noFrame?: boolean } = {}): IpcMainInvokeEvent {
  return {
    sender: { id: opts.id ?? 1 },
    senderFrame: opts.noFrame ? null : { url: opts.url ?? 'app://lockstep/index.html', parent: opts.parent ?? null },
  } as unknown as IpcMainInvokeEvent;
}

function setup() {
  const ipcMain = new FakeIpcMain();
  const calls: unknown[] = [];
  const handlers = {
    'repo:recent': async (input: unknown) => (calls.push(input), []),
    'repo:close': async () => {
      throw new LockstepError('LOCKED', 'Locked by pid 42 (add) since 10:00.', { pid: 42 });
    },
  } as unknown as Handlers;
  const isTrustedSender = createSenderCheck({ allowedOrigin: 'app://lockstep', webContentsIds: () => new Set([1]) });
  const unbind = bindIpc({ ipcMain, dispatch: createDispatcher(handlers), isTrustedSender });
  return { ipcMain, calls, unbind };
}

describe('Electron IPC binding', () => {
  it('registers exactly the contract channels and unbinds them', () => {
    const { ipcMain, unbind } = setup();
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
    unbind();
    expect(ipcMain.handlers.size).toBe(0);
  });

  it('passes a trusted, valid request through and wraps the value', async () => {
    const { ipcMain, calls } = setup();
    expect(await ipcMain.invoke('repo:recent', fakeEvent(), {})).toEqual({ ok: true, value: [] });
    expect(calls).toEqual([{}]);
  });

  it('rejects senders that are not our top frame on our origin, before any handler runs', async () => {
    const { ipcMain, calls } = setup();
    const bad = [
      fakeEvent({ url: 'https://evil.example/' }),
      fakeEvent({ id: 2 }),
      fakeEvent({ parent: {} }),
      fakeEvent({ noFrame: true }),
      fakeEvent({ url: 'not a url' }),
    ];
    for (const ev of bad) {
      expect(await ipcMain.invoke('repo:recent', ev, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(calls).toEqual([]);
  });

  it('validates input and refuses extra arguments', async () => {
    const { ipcMain } = setup();
    expect(await ipcMain.invoke('timeline:page', fakeEvent(), { repoId: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await ipcMain.invoke('repo:recent', fakeEvent(), {}, 'extra')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('returns engine errors as envelopes with code, message and data (not a thrown message)', async () => {
    const { ipcMain } = setup();
    expect(await ipcMain.invoke('repo:close', fakeEvent(), { repoId: 'abc' })).toEqual({
      ok: false,
      error: { code: 'LOCKED', message: 'Locked by pid 42 (add) since 10:00.', data: { pid: 42 } },
    });
  });

  it('forwards only contract events to live windows', () => {
    let listener: (e: string, p: unknown) => void = () => {};
    const sent: [string, unknown][] = [];
    const live = { isDestroyed: () => false, send: (c: string, p: unknown) => sent.push([c, p]) };
    const dead = { isDestroyed: () => true, send: () => { throw new Error('sent to destroyed'); } };
    forwardEvents((l) => ((listener = l), () => {}), () => [live, dead]);
    listener('job:update', { id: 'j' });
    listener('internal:secret', { x: 1 });
    expect(sent).toEqual([['job:update', { id: 'j' }]]);
  });
});
