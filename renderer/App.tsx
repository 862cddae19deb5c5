import { useEffect } from 'react';
import { useApp } from './store/react.ts';
import { RepoScreen, InitPrompt } from './features/repo/RepoScreen.tsx';
import { Sidebar } from './features/layout/Sidebar.tsx';
import { Timeline, TimelineToolbar } from './features/timeline/Timeline.tsx';
import { CommitDetailPane } from './features/detail/CommitDetailPane.tsx';
import { RestoreDialog } from './features/detail/RestoreDialog.tsx';
import { DatasetView } from './features/datasets/DatasetView.tsx';
import { DropZone, TrackFolderButton } from './features/track/DropZone.tsx';
import { TrackPanel } from './features/track/TrackPanel.tsx';
import { TransfersView } from './features/transfers/TransfersView.tsx';
import { SettingsView } from './features/settings/SettingsView.tsx';
import { ErrorBanners, Toasts } from './components/ErrorBanners.tsx';

const VIEW_KEYS: Record<string, 'timeline' | 'transfers' | 'settings'> = { '1': 'timeline', '2': 'transfers', '3': 'settings' };

/** The window: start screen, init prompt, or the repository layout with its current view. */
export function App() {
  const repo = useApp((s) => s.repo);
  const view = useApp((s) => s.view);
  const theme = useApp((s) => s.theme);
  const setView = useApp((s) => s.setView);
  const connected = useApp((s) => s.connected);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const v = e.altKey ? VIEW_KEYS[e.key] : undefined;
      if (v) {
        e.preventDefault();
        setView(v);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);

  let body;
  if (!repo) body = <RepoScreen />;
  else if (repo.needsInit) body = <InitPrompt />;
  else
    body = (
      <div className="layout">
        <Sidebar />
        <div className="content">
          <TrackPanel />
          {view === 'timeline' ? (
            <div className="timeline-view">
              <div className="timeline-col">
                <div className="toolbar-row">
                  <TimelineToolbar />
                  <TrackFolderButton />
                </div>
                <Timeline />
              </div>
              <CommitDetailPane />
            </div>
          ) : null}
          {view === 'dataset' ? <DatasetView /> : null}
          {view === 'transfers' ? <TransfersView /> : null}
          {view === 'settings' ? <SettingsView /> : null}
        </div>
        <DropZone />
        <RestoreDialog />
      </div>
    );
  return (
    <>
      {!connected ? <div className="offline">Disconnected from the Lockstep server. Reconnecting…</div> : null}
      <ErrorBanners />
      {body}
      <Toasts />
    </>
  );
}
