// Entry of the sandboxed preload (bundled to CommonJS by build/build.mjs): wire the real Electron modules.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { exposeDesktopBridge } from './bridge.ts';

exposeDesktopBridge(contextBridge, { ipcRenderer, webUtils });
