import { useState } from 'react';
import { useApp } from '../../store/react.ts';
import { formatRelative } from '../../format.ts';

/** The start screen: open a folder (native picker or a typed path) or a recent repository. */
export function RepoScreen() {
  const recent = useApp((s) => s.recent);
  const info = useApp((s) => s.info);
  const opening = useApp((s) => s.opening);
  const openRepo = useApp((s) => s.openRepo);
  const pickAndOpen = useApp((s) => s.pickAndOpen);
  const [path, setPath] = useState('');

  return (
    <main className="start">
      <h1>Lockstep</h1>
      <p className="muted">Version your data and models next to your code.</p>
      <section className="card">
        <h2>Open a repository</h2>
        {info?.canPickFolder ? (
          <button type="button" className="primary" disabled={opening} onClick={() => void pickAndOpen()}>
            Choose folder…
          </button>
        ) : null}
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim()) void openRepo(path.trim());
          }}
        >
          <input aria-label="Repository path" placeholder="/path/to/repository" value={path} onChange={(e) => setPath(e.target.value)} />
          <button type="submit" disabled={opening || !path.trim()}>
            Open
          </button>
        </form>
      </section>
      {recent.length > 0 ? (
        <section className="card">
          <h2>Recent</h2>
          <ul className="recent">
            {recent.map((r) => (
              <li key={r.path}>
                <button type="button" className="link" onClick={() => void openRepo(r.path)} disabled={opening}>
                  <strong>{r.name}</strong> <span className="muted">{r.path}</span>
                </button>
                <span className="muted small">{formatRelative(r.openedAt)}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  );
}

/** Shown for a git repository without `.dvc/`: initialising creates exactly what `dvc init` would. */
export function InitPrompt() {
  const repo = useApp((s) => s.repo);
  const initRepo = useApp((s) => s.initRepo);
  const closeRepo = useApp((s) => s.closeRepo);
  if (!repo) return null;
  return (
    <main className="start">
      <section className="card">
        <h2>{repo.name} is a git repository without data versioning</h2>
        <p>
          Initialising adds <code>.dvc/config</code>, <code>.dvc/.gitignore</code> and <code>.dvcignore</code>, the same files <code>dvc init</code>{' '}
          creates. Your existing files are not touched.
        </p>
        <div className="row">
          <button type="button" className="primary" onClick={() => void initRepo()}>
            Initialise
          </button>
          <button type="button" onClick={() => void closeRepo()}>
            Back
          </button>
        </div>
      </section>
    </main>
  );
}
