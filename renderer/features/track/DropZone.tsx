import { useEffect, useRef, useState } from 'react';
import { useApp } from '../../store/react.ts';
import { filesFromDataTransfer, filesFromInput } from '../../api/upload.ts';

/**
 * Drop files or folders anywhere on the window to track them. The overlay appears while something is
 * dragged over; a folder picker does the same for people who prefer clicking.
 */
export function DropZone() {
  const dropFiles = useApp((s) => s.dropFiles);
  const repo = useApp((s) => s.repo);
  const [over, setOver] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    if (!repo || repo.needsInit) return;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setOver(true);
    };
    const overFn = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    // Capture phase: the overlay goes away even when a dataset in the sidebar handles the drop itself.
    const reset = () => {
      depth.current = 0;
      setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer) return;
      e.preventDefault();
      const dt = e.dataTransfer;
      void filesFromDataTransfer(dt).then((files) => dropFiles(files));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', overFn);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', reset, true);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', reset, true);
      window.removeEventListener('drop', drop);
    };
  }, [repo, dropFiles]);

  return over ? (
    <div className="drop-overlay" aria-hidden="true">
      <div>
        Drop to track with Lockstep
        <span className="muted">Drop on a dataset in the sidebar to add files to it instead</span>
      </div>
    </div>
  ) : null;
}

/** "Track a folder…" for the keyboard and for browser mode without drag and drop. */
export function TrackFolderButton() {
  const dropFiles = useApp((s) => s.dropFiles);
  const info = useApp((s) => s.info);
  const ref = useRef<HTMLInputElement>(null);
  if (info?.dropMode !== 'upload') return null;
  return (
    <>
      <button type="button" onClick={() => ref.current?.click()}>
        Track a folder…
      </button>
      <input
        ref={ref}
        type="file"
        hidden
        data-testid="folder-input"
        // @ts-expect-error webkitdirectory is not in React's input props but every browser supports it
        webkitdirectory=""
        multiple
        onChange={(e) => {
          if (e.target.files) void dropFiles(filesFromInput(e.target.files));
          e.target.value = '';
        }}
      />
    </>
  );
}
