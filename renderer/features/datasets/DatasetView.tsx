import { useApp } from '../../store/react.ts';
import { Chip } from '../../components/Chip.tsx';
import { formatBytes, formatDelta, formatRelative, shortHash } from '../../format.ts';
import { SizeChart } from './SizeChart.tsx';

/** One dataset over time: versions, a size chart, a diff of any two versions, a preview. */
export function DatasetView() {
  const path = useApp((s) => s.datasetPath);
  const history = useApp((s) => s.history);
  const compare = useApp((s) => s.compare);
  const diff = useApp((s) => s.diff);
  const preview = useApp((s) => s.preview);
  const setCompare = useApp((s) => s.setCompare);
  const loadPreview = useApp((s) => s.loadPreview);
  if (!path) return <p className="muted">Pick a dataset in the sidebar.</p>;
  return (
    <section className="dataset" aria-label={`Dataset ${path}`}>
      <h2>{path}</h2>
      {!history ? <p className="muted">Reading history…</p> : null}
      {history && history.versions.length === 0 ? <p className="muted">No committed version yet. Commit it to start its history.</p> : null}
      {history && history.versions.length > 0 ? (
        <>
          <SizeChart versions={history.versions} />
          <table className="table versions">
            <thead>
              <tr>
                <th className="pick" title="Compare from">A</th>
                <th className="pick" title="Compare to">B</th>
                <th>Version</th>
                <th>Size</th>
                <th>Files</th>
                <th>First seen</th>
                <th>Where</th>
              </tr>
            </thead>
            <tbody>
              {[...history.versions].reverse().map((v) => (
                <tr key={v.md5}>
                  <td>
                    <input type="radio" name="cmp-a" aria-label={`Compare from ${shortHash(v.md5)}`} checked={compare.a === v.firstCommit} onChange={() => void setCompare('a', v.firstCommit)} />
                  </td>
                  <td>
                    <input type="radio" name="cmp-b" aria-label={`Compare to ${shortHash(v.md5)}`} checked={compare.b === v.firstCommit} onChange={() => void setCompare('b', v.firstCommit)} />
                  </td>
                  <td>
                    <code>{shortHash(v.md5)}</code>
                  </td>
                  <td>{formatBytes(v.size)}</td>
                  <td>{v.nfiles ?? '—'}</td>
                  <td>
                    {formatRelative(v.date)} <code className="muted">{v.firstCommit.slice(0, 7)}</code>
                  </td>
                  <td>
                    <Chip tone={v.availability === 'local' ? 'ok' : v.availability === 'remote' ? 'warn' : 'bad'}>{v.availability}</Chip>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {diff ? (
        <section className="diff" aria-label="Version diff">
          <h4 className="section-title">
            Changes from <code>{compare.a?.slice(0, 7)}</code> to <code>{compare.b?.slice(0, 7)}</code>
            <span className="muted">
              {' '}
              · {diff.totalChanged} file{diff.totalChanged === 1 ? '' : 's'}
            </span>
          </h4>
          {diff.totalChanged === 0 ? <p className="muted small">The two versions hold the same files.</p> : null}
          <table className="table small compact diff-table">
            <tbody>
              {diff.files.map((f) => (
                <tr key={f.relpath} className={`diff-${f.change}`}>
                  <td>{f.change}</td>
                  <td>
                    {/* The preview shows the file as it is in the version that has it: B, or A when removed. */}
                    <button type="button" className="link" onClick={() => void loadPreview(f.relpath ? `${path}/${f.relpath}` : path, f.change === 'removed' ? (compare.a ?? undefined) : (compare.b ?? undefined))}>
                      {f.relpath || path}
                    </button>
                  </td>
                  <td>{formatBytes(f.newSize ?? f.oldSize)}</td>
                  <td>{f.oldSize !== null && f.newSize !== null ? formatDelta(f.newSize - f.oldSize) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {diff.truncated ? <p className="muted small">Showing the first {diff.files.length}.</p> : null}
          {diff.csv.map((c) => (
            <div key={c.relpath} className="csv-summary small">
              <strong>{c.relpath}</strong>: rows {c.oldRows ?? '—'} → {c.newRows ?? '—'} (+{c.addedRows} / −{c.removedRows}), columns {c.oldColumns.length} → {c.newColumns.length}
              {c.addedSample.length > 0 ? (
                <>
                  <div className="muted">Rows added (first {c.addedSample.length})</div>
                  <pre className="added">{c.addedSample.map((r) => `+ ${r}`).join('\n')}</pre>
                </>
              ) : null}
              {c.removedSample.length > 0 ? (
                <>
                  <div className="muted">Rows removed (first {c.removedSample.length})</div>
                  <pre className="removed">{c.removedSample.map((r) => `− ${r}`).join('\n')}</pre>
                </>
              ) : null}
            </div>
          ))}
        </section>
      ) : null}
      {preview ? (
        <section className="preview" aria-label="Preview">
          <h4 className="section-title">
            Preview of {preview.path} {preview.rev ? <>at <code>{preview.rev.slice(0, 8)}</code></> : 'in the workspace'}
          </h4>
          {preview.kind === 'csv' ? (
            <div className="preview-scroll">
            <table className="table small compact csv-table">
              <thead>
                <tr>
                  {preview.header.map((h, i) => (
                    <th key={i}>{h}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((cell, j) => (
                      <td key={j}>{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          ) : null}
          {preview.kind === 'image' ? <img src={preview.dataUrl} alt="Preview" className="preview-img" /> : null}
          {preview.kind === 'text' ? <pre>{preview.text}</pre> : null}
          {preview.kind === 'none' ? <p className="muted small">{preview.reason}</p> : null}
        </section>
      ) : null}
    </section>
  );
}
