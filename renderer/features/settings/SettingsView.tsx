import { useEffect, useState } from 'react';
import { useApp } from '../../store/react.ts';
import type { LinkType, RemoteConfig } from '../../../shared/model.ts';
import { Chip } from '../../components/Chip.tsx';

const EMPTY: RemoteConfig = { name: '', kind: 's3', url: '', endpointUrl: '', region: '', profile: '', isDefault: true };
const LINK_TYPES: LinkType[] = ['reflink', 'hardlink', 'symlink', 'copy'];

/** Add or edit one remote: S3 (bucket/prefix, endpoint, region, profile) or a local folder. */
function RemoteForm({ initial, onDone }: { initial: RemoteConfig; onDone: () => void }) {
  const saveRemote = useApp((s) => s.saveRemote);
  const [r, setR] = useState<RemoteConfig>(initial);
  const set = (patch: Partial<RemoteConfig>) => setR((x) => ({ ...x, ...patch }));
  return (
    <form
      className="remote-form"
      aria-label="Remote"
      onSubmit={(e) => {
        e.preventDefault();
        void saveRemote(r).then((ok) => ok && onDone());
      }}
    >
      <label>
        Name <input value={r.name} onChange={(e) => set({ name: e.target.value })} required />
      </label>
      <label>
        Kind{' '}
        <select value={r.kind} onChange={(e) => set({ kind: e.target.value as RemoteConfig['kind'] })}>
          <option value="s3">S3 or S3-compatible</option>
          <option value="local">Local or network folder</option>
        </select>
      </label>
      <label>
        {r.kind === 's3' ? 'URL (s3://bucket/prefix)' : 'Folder'} <input value={r.url} onChange={(e) => set({ url: e.target.value })} required />
      </label>
      {r.kind === 's3' ? (
        <>
          <label>
            Endpoint URL <input value={r.endpointUrl ?? ''} placeholder="https://… (MinIO, R2, Ceph)" onChange={(e) => set({ endpointUrl: e.target.value })} />
          </label>
          <label>
            Region <input value={r.region ?? ''} onChange={(e) => set({ region: e.target.value })} />
          </label>
          <label>
            AWS profile <input value={r.profile ?? ''} onChange={(e) => set({ profile: e.target.value })} />
          </label>
        </>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={r.isDefault} onChange={(e) => set({ isDefault: e.target.checked })} /> Default remote
      </label>
      <div className="row">
        <button type="submit" className="primary">
          Save
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Remotes with "test connection", and the cache link type order. */
export function SettingsView() {
  const remotes = useApp((s) => s.remotes);
  const settings = useApp((s) => s.settings);
  const tests = useApp((s) => s.remoteTests);
  const loadSettings = useApp((s) => s.loadSettings);
  const testRemote = useApp((s) => s.testRemote);
  const removeRemote = useApp((s) => s.removeRemote);
  const setLinkTypes = useApp((s) => s.setLinkTypes);
  const theme = useApp((s) => s.theme);
  const setTheme = useApp((s) => s.setTheme);
  const [editing, setEditing] = useState<RemoteConfig | null>(null);
  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  const link = settings?.linkTypes ?? [];
  return (
    <section className="settings" aria-label="Settings">
      <h2>Remotes</h2>
      <ul className="remotes">
        {remotes.map((r) => (
          <li key={r.name}>
            <strong>{r.name}</strong> {r.isDefault ? <Chip tone="branch">default</Chip> : null} <code>{r.url}</code>
            {r.endpointUrl ? <span className="muted small"> via {r.endpointUrl}</span> : null}
            <div className="row">
              <button type="button" className="small" onClick={() => void testRemote(r.name)} disabled={tests[r.name]?.testing}>
                Test connection
              </button>
              <button type="button" className="small" onClick={() => setEditing(r)}>
                Edit
              </button>
              <button type="button" className="small" onClick={() => void removeRemote(r.name)}>
                Remove
              </button>
              {tests[r.name] && !tests[r.name]!.testing ? <span className={tests[r.name]!.ok ? 'ok-text small' : 'bad-text small'}>{tests[r.name]!.message}</span> : null}
            </div>
          </li>
        ))}
      </ul>
      {editing ? (
        <RemoteForm key={editing.name || 'new'} initial={editing} onDone={() => setEditing(null)} />
      ) : (
        <button type="button" onClick={() => setEditing({ ...EMPTY, isDefault: remotes.length === 0 })}>
          Add remote
        </button>
      )}
      <h2>Cache link type</h2>
      <p className="muted small">How files come out of the cache into your workspace. Lockstep tries them in this order and falls back when a type is not supported.</p>
      <div className="row">
        {LINK_TYPES.map((t) => (
          <label key={t} className="check">
            <input
              type="checkbox"
              checked={link.includes(t)}
              onChange={(e) => {
                const next = e.target.checked ? LINK_TYPES.filter((x) => x === t || link.includes(x)) : link.filter((x) => x !== t);
                if (next.length > 0) void setLinkTypes(next);
              }}
            />{' '}
            {t}
          </label>
        ))}
      </div>
      <h2>Appearance</h2>
      <select aria-label="Theme" value={theme} onChange={(e) => setTheme(e.target.value as typeof theme)}>
        <option value="system">Follow system</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </section>
  );
}
