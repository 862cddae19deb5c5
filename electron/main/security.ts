import type { App, Session, WebContents } from 'electron';

/** The CSP of the packaged app: our own scripts and styles only, images from data: for previews. */
export const APP_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Locks every webContents down: no navigation away from the app, no new windows, no webviews, no
 * permission ever granted (camera, notifications, clipboard-read...). Applied app-wide so a window
 * created later cannot forget it.
 */
export function hardenApp(app: App, session: Session, allowedOrigin: string): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${allowedOrigin}/`)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}
