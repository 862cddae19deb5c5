import { useApp } from '../../store/react.ts';
import { Chip } from '../../components/Chip.tsx';
import { formatBytes, shortHash } from '../../format.ts';
import type { ValueChange } from '../../../shared/model.ts';

const AVAIL = { local: { text: 'in cache', tone: 'ok' }, remote: { text: 'on remote', tone: 'warn' }, missing: { text: 'missing', tone: 'bad' } } as const;

function ChangesTable({ title, rows }: { title: string; rows: readonly ValueChange[] }) {
  if (rows.length === 0) return null;
  return (
    <>
      <h3>{title}</h3>
      <table className="table">
        <thead>
          <tr>
            <th>Key</th>
            <th>Parent</th>
            <th>This commit</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.file}:${r.key}`}>
              <td title={r.file}>{r.key}</td>
              <td>{String(r.old ?? '∅')}</td>
              <td>{String(r.new ?? '∅')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The selected commit: outputs with availability, params and metrics against the parent, environment. */
export function CommitDetailPane() {
  const detail = useApp((s) => s.detail);
  const loading = useApp((s) => s.detailLoading);
  const selectedOid = useApp((s) => s.selectedOid);
  const planRestore = useApp((s) => s.planRestore);
  const openDataset = useApp((s) => s.openDataset);
  if (!selectedOid) return <aside className="detail muted">Select a commit to see its data, params and metrics.</aside>;
  if (!detail || detail.commit.oid !== selectedOid) return <aside className="detail muted">{loading ? 'Loading…' : ''}</aside>;
  const c = detail.commit;
  return (
    <aside className="detail" aria-label="Commit detail">
      <h2>{c.message.split('\n')[0]}</h2>
      <p className="muted small">
        {c.author} · {new Date(c.date).toLocaleString()} · <code>{shortHash(c.oid)}</code>
      </p>
      <div className="row">
        <button type="button" className="primary" onClick={() => void planRestore(c.oid, false)}>
          Restore this run
        </button>
        <button type="button" onClick={() => void planRestore(c.oid, true)}>
          Restore data only
        </button>
      </div>
      <h3>Outputs</h3>
      {detail.outputs.length === 0 ? <p className="muted small">No tracked data at this commit.</p> : null}
      <table className="table">
        <tbody>
          {detail.outputs.map((o) => (
            <tr key={o.path}>
              <td>
                <button type="button" className="link" onClick={() => void openDataset(o.path)}>
                  {o.path}
                </button>
              </td>
              <td>
                <code title={o.md5 ?? ''}>{shortHash(o.md5)}</code>
              </td>
              <td>{formatBytes(o.size)}</td>
              <td>{o.nfiles !== null ? `${o.nfiles} files` : ''}</td>
              <td>
                <Chip tone={AVAIL[o.availability].tone}>{AVAIL[o.availability].text}</Chip>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ChangesTable title="Params" rows={c.params} />
      <ChangesTable title="Metrics" rows={c.metrics} />
      <h3>Environment</h3>
      <p className="small">
        {detail.environment.fingerprint ? (
          <>
            <code>{shortHash(detail.environment.fingerprint)}</code> from {detail.environment.files.join(', ')}
            {detail.environment.changed ? <Chip tone="warn">changed</Chip> : null}
          </>
        ) : (
          <span className="muted">No environment files (requirements.txt, uv.lock, …).</span>
        )}
      </p>
      {detail.codeFiles.length > 0 ? (
        <>
          <h3>Code files changed</h3>
          <ul className="files small">
            {detail.codeFiles.slice(0, 50).map((f) => (
              <li key={f}>{f}</li>
            ))}
          </ul>
        </>
      ) : null}
    </aside>
  );
}
