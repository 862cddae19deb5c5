import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { EVENT_CHANNELS, REQUEST_CHANNELS, type EventChannel } from '../../shared/contract.ts';
import { fail } from '../../shared/errors.ts';
import type { Dispatch } from '../service/dispatch.ts';

export interface IpcBindingOptions {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly dispatch: Dispatch;
  /** Decides whether a message comes from our own renderer; see `createSenderCheck`. */
  readonly isTrustedSender: (event: IpcMainInvokeEvent) => boolean;
}

/**
 * Registers one `ipcMain.handle` per contract channel. Each handler checks the sender, then hands the
 * one argument object to the service's dispatcher, which validates it and always answers with a Result
 * envelope; nothing here throws across IPC (Electron would keep only the message). Returns an unbind
 * function for window teardown and tests.
 */
export function bindIpc(opts: IpcBindingOptions): () => void {
  for (const channel of REQUEST_CHANNELS) {
    opts.ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      if (!opts.isTrustedSender(event)) {
        return fail('FORBIDDEN', `Refused ${channel}: the message did not come from the Lockstep window.`, { channel });
      }
      if (args.length > 1) return fail('INVALID_INPUT', `${channel} takes one argument object.`, { channel });
      return opts.dispatch(channel, args[0]);
    });
  }
  return () => {
    for (const channel of REQUEST_CHANNELS) opts.ipcMain.removeHandler(channel);
  };
}

export interface SenderCheckOptions {
  /** The origin our renderer is loaded from: `app://lockstep` in production, the dev server in development. */
  readonly allowedOrigin: string;
  /** The ids of our windows' webContents, read at call time. */
  readonly webContentsIds: () => ReadonlySet<number>;
}

/**
 * A message is trusted only if it comes from the top frame of one of our windows and that frame shows
 * our own origin: an iframe, a navigated-away page or any other webContents is refused.
 */
export function createSenderCheck(opts: SenderCheckOptions): (event: IpcMainInvokeEvent) => boolean {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    if (!opts.webContentsIds().has(event.sender.id)) return false;
    try {
      // Not URL.origin: WHATWG gives "null" as the origin of custom schemes like app://.
      const u = new URL(frame.url);
      return `${u.protocol}//${u.host}` === opts.allowedOrigin;
    } catch {
      return false;
    }
  };
}

/**
 * Forwards service events to our windows, allow-listed by the contract so nothing else can be sent
 * under a contract name. Returns the unsubscribe function.
 */
export function forwardEvents(
  subscribe: (listener: (event: string, payload: unknown) => void) => () => void,
  targets: () => readonly Pick<WebContents, 'send' | 'isDestroyed'>[],
): () => void {
  const allowed = new Set<string>(EVENT_CHANNELS);
  return subscribe((event, payload) => {
    if (!allowed.has(event)) return;
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(event as EventChannel, payload);
  });
}
