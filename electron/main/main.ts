// The Electron main process: windows, menus, dialogs and the IPC transport. No product logic lives
// here; everything the window asks for goes through the service, which the CLI and tests also drive.
import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, protocol, session } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createService, type Service } from '../service/service.ts';
import { APP_ORIGIN, APP_SCHEME, registerAppProtocol } from './app-protocol.ts';
import { bindIpc, createSenderCheck, forwardEvents } from './ipc-binding.ts';
import { menuTemplate } from './menu.ts';
import { notifyJobEnds } from './notifications.ts';
import { hardenApp } from './security.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '..');
const devUrl = process.env.LOCKSTEP_DEV_URL;
const allowedOrigin = devUrl ? new URL(devUrl).origin : APP_ORIGIN;

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let service: Service;
  const windows = new Set<BrowserWindow>();

  const focusMain = () => {
    const w = [...windows][0];
    if (w) {
      if (w.isMinimized()) w.restore();
      w.focus();
    }
  };

  const pickFolder = async (): Promise<string | null> => {
    const parent = BrowserWindow.getFocusedWindow() ?? [...windows][0];
    const opts = { title: 'Open repository', properties: ['openDirectory' as const, 'createDirectory' as const] };
    const r = parent ? await dialog.showOpenDialog(parent, opts) : await dialog.showOpenDialog(opts);
    const picked = r.canceled ? null : (r.filePaths[0] ?? null);
    if (picked) app.addRecentDocument(picked);
    return picked;
  };

  const createWindow = () => {
    const win = new BrowserWindow({
      width: 1360,
      height: 860,
      minWidth: 900,
      minHeight: 560,
      title: 'Lockstep',
      show: false,
      webPreferences: {
        preload: path.join(outDir, 'preload', 'preload.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
      },
    });
    windows.add(win);
    win.on('closed', () => windows.delete(win));
    win.once('ready-to-show', () => win.show());
    void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
    return win;
  };

  const refreshMenu = async () => {
    const recent = await service.handlers['repo:recent']({});
    const actions = {
      // The renderer owns navigation; the menu asks it to open through the same service call.
      openFolder: () => void pickFolder().then((p) => p && [...windows][0]?.webContents.send('menu:open', { path: p })),
      openRecent: (p: string) => [...windows][0]?.webContents.send('menu:open', { path: p }),
    };
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, recent, process.platform === 'darwin')));
  };

  app.on('second-instance', focusMain);
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => void service?.dispose());

  void app.whenReady().then(async () => {
    hardenApp(app, session.defaultSession, allowedOrigin);
    registerAppProtocol(protocol, path.join(outDir, 'renderer'));
    const repoArg = process.argv.slice(app.isPackaged ? 1 : 2).find((a) => !a.startsWith('-'));
    service = createService({
      mode: 'electron',
      version: app.getVersion(),
      stateDir: app.getPath('userData'),
      ...(repoArg ? { initialRepo: repoArg } : {}),
      pickFolder,
    });
    bindIpc({
      ipcMain,
      dispatch: service.dispatch,
      isTrustedSender: createSenderCheck({ allowedOrigin, webContentsIds: () => new Set([...windows].map((w) => w.webContents.id)) }),
    });
    forwardEvents(
      (l) => service.subscribe(l),
      () => [...windows].map((w) => w.webContents),
    );
    notifyJobEnds({
      subscribe: (l) => service.subscribe(l),
      Notification,
      anyWindowFocused: () => [...windows].some((w) => w.isFocused()),
      focusWindow: focusMain,
    });
    // Recent repositories change when the window opens one; rebuilding on focus keeps the menu current.
    app.on('browser-window-focus', () => void refreshMenu());
    await refreshMenu();
    createWindow();
    app.on('activate', () => {
      if (windows.size === 0) createWindow();
    });
  });
}
