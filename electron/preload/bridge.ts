import type { ContextBridge, IpcRenderer, IpcRendererEvent, WebUtils } from 'electron';
import { DESKTOP_BRIDGE_KEY, EVENT_CHANNELS, REQUEST_CHANNELS, type DesktopBridge } from '../../shared/contract.ts';
import { fail, isResult, type Result } from '../../shared/errors.ts';

export interface PreloadDeps {
  readonly ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;
  readonly webUtils: Pick<WebUtils, 'getPathForFile'>;
}

/**
 * Builds the renderer's only door to the main process. It forwards allow-listed channels only, never
 * hands the raw IpcRendererEvent (and with it `sender`) to page code, and turns anything unexpected
 * into a Result so the renderer has one error path.
 */
export function createDesktopBridge(deps: PreloadDeps): DesktopBridge<File> {
  const requests = new Set<string>(REQUEST_CHANNELS);
  const events = new Set<string>(EVENT_CHANNELS);
  return {
    async invoke(channel, input) {
      if (!requests.has(channel)) return fail('UNKNOWN_CHANNEL', `Channel ${String(channel)} is not allowed.`) as never;
      let reply: unknown;
      try {
        reply = await deps.ipcRenderer.invoke(channel, input);
      } catch (err) {
        return fail('DISCONNECTED', `The app's main process did not answer ${channel}: ${(err as Error).message}`) as never;
      }
      return (isResult(reply) ? reply : fail('INTERNAL', `Malformed reply on ${channel}.`)) as Result<never>;
    },
    on(event, listener) {
      if (!events.has(event)) throw new Error(`Event ${String(event)} is not allowed.`);
      const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload as never);
      deps.ipcRenderer.on(event, wrapped);
      return () => {
        deps.ipcRenderer.removeListener(event, wrapped);
      };
    },
    pathForFile(file) {
      return deps.webUtils.getPathForFile(file);
    },
  };
}

/** Exposes the bridge on `window.lockstep` in the isolated world. */
export function exposeDesktopBridge(contextBridge: Pick<ContextBridge, 'exposeInMainWorld'>, deps: PreloadDeps): void {
  contextBridge.exposeInMainWorld(DESKTOP_BRIDGE_KEY, createDesktopBridge(deps));
}
