import { useState, type DragEvent } from 'react';
import { useApp } from '../../store/react.ts';
import type { OutputBadge, TrackedItem } from '../../../shared/model.ts';
import { filesFromDataTransfer } from '../../api/upload.ts';
import { Chip } from '../../components/Chip.tsx';
import { formatBytes } from '../../format.ts';
import type { View } from '../../store/ui-slice.ts';

const BADGE: Record<OutputBadge, { text: string; tone: 'ok' | 'warn' | 'bad' | 'data' }> = {
  ok: { text: 'up to date', tone: 'ok' },
  modified: { text: 'modified', tone: 'warn' },
  missing: { text: 'missing', tone: 'bad' },
  'not-in-cache': { text: 'not in cache', tone: 'bad' },
  'not-pushed': { text: 'not pushed', tone: 'warn' },
  new: { text: 'new', tone: 'data' },
};

const NAV: { view: View; label: string; key: string }[] = [
  { view: 'timeline', label: 'Timeline', key: '1' },
  { view: 'transfers', label: 'Transfers', key: '2' },
  { view: 'settings', label: 'Settings', key: '3' },
];

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

/**
 * One tracked output. A folder is also a drop target: files dropped on it join the folder and become its
 * next version (the window-wide drop zone would track them as a new output instead).
 */
function TrackedRow({ item, active, onOpen }: { item: TrackedItem; active: boolean; onOpen: () => void }) {
  const dropFiles = useApp((s) => s.dropFiles);
  const [over, setOver] = useState(false);
  const dropProps = item.isDir
    ? {
        onDragOver: (e: DragEvent) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setOver(true);
        },
        onDragLeave: () => setOver(false),
        onDrop: (e: DragEvent) => {
          if (!hasFiles(e)) return;
          e.preventDefault();
          // Handled here: the window's drop zone must not also track the files as a new output.
          e.stopPropagation();
          setOver(false);
          // Read the entries now: a DataTransfer is emptied once the drop event returns.
          void filesFromDataTransfer(e.dataTransfer).then((files) => dropFiles(files, item.path));
        },
      }
    : {};
  const cls = ['tracked-item', active ? 'active' : '', over ? 'drop-target' : ''].filter(Boolean).join(' ');
  return (
    <li {...dropProps}>
      <button type="button" className={cls} onClick={onOpen}>
        <span className="tracked-name">
          <span className={item.isDir ? 'kind kind-dir' : 'kind kind-file'} aria-hidden="true" />
          {item.path}
        </span>
        <span className="tracked-meta">
          <span className="muted small">
            {formatBytes(item.size)}
            {item.nfiles !== null ? ` · ${item.nfiles} files` : ''}
          </span>
          <span className="badges">
            {item.badges.map((b) => (
              <Chip key={b} tone={BADGE[b].tone}>
                {BADGE[b].text}
              </Chip>
            ))}
          </span>
        </span>
        {over ? <span className="drop-hint small">Drop to add files to {item.path}</span> : null}
      </button>
    </li>
  );
}

/** Repository name, navigation, tracked outputs with live badges, and remote health. */
export function Sidebar() {
  const repo = useApp((s) => s.repo);
  const status = useApp((s) => s.status);
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const datasetPath = useApp((s) => s.datasetPath);
  const openDataset = useApp((s) => s.openDataset);
  const closeRepo = useApp((s) => s.closeRepo);
  const running = useApp((s) => Object.values(s.jobs).filter((j) => j.state === 'running').length);
  if (!repo) return null;
  return (
    <nav className="sidebar" aria-label="Repository">
      <div className="repo-name">
        <strong title={repo.root}>{repo.name}</strong>
        <span className="muted small">{repo.branch ?? 'detached HEAD'}</span>
        <button type="button" className="ghost small" onClick={() => void closeRepo()} title="Close repository">
          ⏏
        </button>
      </div>
      <ul className="nav">
        {NAV.map((n) => (
          <li key={n.view}>
            <button type="button" className={view === n.view ? 'nav-item active' : 'nav-item'} onClick={() => setView(n.view)} title={`Alt+${n.key}`}>
              {n.label}
              {n.view === 'transfers' && running > 0 ? <span className="count">{running}</span> : null}
            </button>
          </li>
        ))}
      </ul>
      <h3>Tracked data</h3>
      {status === null ? <p className="muted small">Reading status…</p> : null}
      {status?.items.length === 0 ? <p className="muted small">Nothing tracked yet. Drop a file or folder on the window.</p> : null}
      <ul className="tracked" aria-label="Tracked data">
        {status?.items.map((it) => (
          <TrackedRow key={it.path} item={it} active={datasetPath === it.path && view === 'dataset'} onOpen={() => void openDataset(it.path)} />
        ))}
      </ul>
      <h3>Remote</h3>
      {status?.remote ? (
        <p className="small" title={status.remote.message}>
          <span className={`dot dot-${status.remote.state}`} /> {status.remote.name} · {status.remote.state === 'ok' ? 'reachable' : status.remote.state === 'error' ? 'unreachable' : 'not checked'}
        </p>
      ) : (
        <p className="muted small">No default remote. Add one in Settings.</p>
      )}
      {status && status.dirtyFiles > 0 ? <p className="small warn-text">{status.dirtyFiles} uncommitted change{status.dirtyFiles === 1 ? '' : 's'} in git</p> : null}
    </nav>
  );
}
