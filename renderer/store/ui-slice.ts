import { ClientError, toErrorBody } from '../../shared/errors.ts';
import type { SerializedErrorBody } from '../../shared/model.ts';
import type { Slice } from './types.ts';

export type View = 'timeline' | 'dataset' | 'transfers' | 'settings';
export type Theme = 'light' | 'dark' | 'system';

export interface Banner {
  readonly id: number;
  readonly error: SerializedErrorBody;
  /** What the user was doing, e.g. "Pushing to storage". */
  readonly context: string;
}

export interface Toast {
  readonly id: number;
  readonly text: string;
  readonly tone: 'ok' | 'error';
}

export interface UiSlice {
  view: View;
  theme: Theme;
  banners: Banner[];
  toasts: Toast[];
  connected: boolean;
  setView(view: View): void;
  setTheme(theme: Theme): void;
  /** Shows an error as a banner; returns nothing so actions can `catch (e) { reportError(...) }`. */
  reportError(context: string, err: unknown): void;
  dismissBanner(id: number): void;
  notify(text: string, tone?: Toast['tone']): void;
  dismissToast(id: number): void;
  setConnected(c: boolean): void;
}

let seq = 0;

export const createUiSlice: Slice<UiSlice> = () => (set) => ({
  view: 'timeline',
  theme: 'system',
  banners: [],
  toasts: [],
  connected: true,
  setView: (view) => set({ view }),
  setTheme: (theme) => set({ theme }),
  reportError: (context, err) => {
    const error = err instanceof ClientError ? err.toBody() : toErrorBody(err);
    // The same failure repeated (a retry loop, a re-render) stays one banner.
    set((s) => (s.banners.some((b) => b.error.code === error.code && b.error.message === error.message) ? s : { banners: [...s.banners, { id: ++seq, error, context }] }));
  },
  dismissBanner: (id) => set((s) => ({ banners: s.banners.filter((b) => b.id !== id) })),
  notify: (text, tone = 'ok') => set((s) => ({ toasts: [...s.toasts.slice(-4), { id: ++seq, text, tone }] })),
  dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
  setConnected: (connected) => set({ connected }),
});
