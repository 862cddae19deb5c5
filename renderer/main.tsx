import { createRoot } from 'react-dom/client';
import { createApiClient, type ApiClient } from './api/client.ts';
import { createWsBridge } from './api/ws-bridge.ts';
import { createUploader } from './api/upload.ts';
import { createWebNotifier } from './api/notify.ts';
// The key alone, not contract.ts: that module builds the request schemas (zod) at load time.
import { DESKTOP_BRIDGE_KEY } from '../shared/bridge-key.ts';
import type { DesktopBridge } from '../shared/contract.ts';
import { createAppStore } from './store/index.ts';
import { StoreProvider } from './store/react.ts';
import { App } from './App.tsx';
import './styles.css';

/**
 * Picks the transport: the Electron preload's bridge when present, otherwise browser mode's WebSocket
 * with the token from the URL the server printed (kept in sessionStorage so a reload still works, and
 * removed from the address bar so it is not left in history or screenshots).
 */
function connect(onStatus: (c: boolean) => void): ApiClient {
  const desktop = (window as unknown as Record<string, DesktopBridge<File> | undefined>)[DESKTOP_BRIDGE_KEY];
  if (desktop) return createApiClient(desktop, { pathForFile: (f) => desktop.pathForFile(f) });
  const params = new URLSearchParams(location.search);
  const token = params.get('token') ?? sessionStorage.getItem('lockstep-token') ?? '';
  sessionStorage.setItem('lockstep-token', token);
  if (params.has('token')) history.replaceState(null, '', location.pathname);
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
  return createApiClient(createWsBridge(wsUrl, { onStatus }), { upload: createUploader(location.origin, token), notifier: createWebNotifier(window) });
}

let setConnected: (c: boolean) => void = () => {};
const api = connect((c) => setConnected(c));
const store = createAppStore(api);
setConnected = (c) => store.getState().setConnected(c);
void store.getState().boot();
void store.getState().loadJobs();

createRoot(document.getElementById('root')!).render(
  <StoreProvider store={store}>
    <App />
  </StoreProvider>,
);
