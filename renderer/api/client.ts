import type { Bridge, EventChannel, EventPayload, RequestChannel, RequestInput, RequestOutput } from '../../shared/contract.ts';
import { unwrap } from '../../shared/errors.ts';
import type { SystemNotifier } from './notify.ts';

/** A file the user dropped, with its path relative to the drop (folders keep their structure). */
export interface DroppedFile {
  readonly relPath: string;
  readonly file: File;
}

/** Uploads dropped files into the repository (browser mode only). */
export type Uploader = (repoId: string, files: readonly DroppedFile[], dest: string, onProgress: (loaded: number, total: number) => void) => Promise<void>;

/**
 * The typed client store actions use. It unwraps Result envelopes into values or thrown ClientErrors,
 * so actions read like ordinary async code. Components never see it: only the store does.
 */
export interface ApiClient {
  call<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<RequestOutput<C>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Electron: the dropped file's real path. */
  readonly pathForFile?: (file: File) => string;
  /** Browser mode: stream dropped files to the server. */
  readonly upload?: Uploader;
  /** System notifications from the page (browser mode), when permitted. */
  readonly notifier?: SystemNotifier;
}

/** Wraps a transport bridge into the client. */
export function createApiClient(bridge: Bridge, extras: { pathForFile?: (file: File) => string; upload?: Uploader; notifier?: SystemNotifier } = {}): ApiClient {
  return {
    async call(channel, input) {
      return unwrap(await bridge.invoke(channel, input));
    },
    on: (event, listener) => bridge.on(event, listener),
    ...extras,
  };
}
