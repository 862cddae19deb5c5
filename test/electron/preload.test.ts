import { describe, expect, it } from 'vitest';
import { DESKTOP_BRIDGE_KEY, type DesktopBridge } from '../../shared/contract.ts';
import { exposeDesktopBridge } from '../../electron/preload/bridge.ts';

/** Fake contextBridge + ipcRenderer + webUtils: record what the preload exposes and sends. */
function setup(reply: (channel: string, input: unknown) => unknown = () => ({ ok: true, value: null })) {
  const exposed: Record<string, unknown> = {};
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<(e: unknown, p: unknown) => void>>();
  const ipcRenderer = {
    invoke: async (channel: string, input: unknown) => {
      invoked.push([channel, input]);
      return reply(channel, input);
    },
    on(channel: string, l: (e: unknown, p: unknown) => void) {
      const s = listeners.get(channel) ?? new Set();
      s.add(l);
      listeners.set(channel, s);
      return this;
    },
    removeListener(channel: string, l: (e: unknown, p: unknown) => void) {
      listeners.get(channel)?.delete(l);
      return this;
    },
  };
  const webUtils = { getPathForFile: (f: { name: string }) => `/home/me/${f.name}` };
  exposeDesktopBridge({ exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) }, { ipcRenderer, webUtils } as never);
  const bridge = exposed[DESKTOP_BRIDGE_KEY] as DesktopBridge<{ name: string }>;
  return { exposed, bridge, invoked, listeners };
}

describe('preload bridge', () => {
  it('exposes one object with invoke, on and pathForFile only', () => {
    const { exposed, bridge } = setup();
    expect(Object.keys(exposed)).toEqual([DESKTOP_BRIDGE_KEY]);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on', 'pathForFile']);
  });

  it('forwards allow-listed channels and refuses everything else without touching IPC', async () => {
    const { bridge, invoked } = setup();
    expect(await bridge.invoke('repo:recent', {})).toEqual({ ok: true, value: null });
    const refused = await bridge.invoke('evil:channel' as never, {} as never);
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    expect(invoked).toEqual([['repo:recent', {}]]);
  });

  it('turns malformed replies and IPC failures into envelopes', async () => {
    const { bridge } = setup((c) => {
      if (c === 'repo:recent') return 'garbage';
      throw new Error('main process gone');
    });
    expect(await bridge.invoke('repo:recent', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(await bridge.invoke('jobs:list', {})).toMatchObject({ ok: false, error: { code: 'DISCONNECTED' } });
  });

  it('delivers event payloads without the IpcRendererEvent and unsubscribes', () => {
    const { bridge, listeners } = setup();
    const got: unknown[][] = [];
    const off = bridge.on('job:update', (...args: unknown[]) => got.push(args));
    for (const l of listeners.get('job:update')!) l({ sender: 'SECRET' }, { id: 'j' });
    expect(got).toEqual([[{ id: 'j' }]]);
    off();
    expect(listeners.get('job:update')!.size).toBe(0);
    expect(() => bridge.on('not:allowed' as never, () => {})).toThrow(/not allowed/);
  });

  it('resolves dropped files to real paths through webUtils', () => {
    const { bridge } = setup();
    expect(bridge.pathForFile({ name: 'images' })).toBe('/home/me/images');
  });
});
