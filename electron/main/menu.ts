import type { MenuItemConstructorOptions } from 'electron';
import type { RecentRepo } from '../../shared/model.ts';

/** Menu actions the main process performs; kept as callbacks so the template stays a pure function. */
export interface MenuActions {
  openFolder(): void;
  openRecent(path: string): void;
}

/** The application menu: File (open, recent, quit), Edit, View, Window, Help. */
export function menuTemplate(actions: MenuActions, recent: readonly RecentRepo[], isMac: boolean): MenuItemConstructorOptions[] {
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Repository…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFolder() },
        {
          label: 'Open Recent',
          submenu: recent.length > 0 ? recent.map((r) => ({ label: `${r.name} — ${r.path}`, click: () => actions.openRecent(r.path) })) : [{ label: 'No recent repositories', enabled: false }],
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { label: 'View', submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }] },
    { role: 'windowMenu' },
  ];
}
