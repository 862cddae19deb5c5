import { useApp } from '../../store/react.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { formatBytes, formatEta, formatRate, formatRelative } from '../../format.ts';
import type { Job } from '../../../shared/model.ts';

function JobRow({ job }: { job: Job }) {
  const cancel = useApp((s) => s.cancelJob);
  const retry = useApp((s) => s.retryJob);
  const p = job.progress;
  const unit = p?.unit ?? 'bytes';
  const amount = p ? (unit === 'bytes' ? `${formatBytes(p.loaded)}${p.total !== undefined ? ` of ${formatBytes(p.total)}` : ''}` : `${p.loaded}${p.total !== undefined ? ` of ${p.total}` : ''} ${unit}`) : '';
  return (
    <li className={`job job-${job.state}`} aria-label={job.title}>
      <div className="job-head">
        <strong>{job.title}</strong>
        <span className="muted small">
          {job.state === 'running' ? (p?.phase ?? 'starting') : job.state} · {formatRelative(job.startedAt)}
        </span>
        {job.state === 'running' ? (
          <button type="button" className="small" onClick={() => void cancel(job.id)}>
            Cancel
          </button>
        ) : null}
        {job.retryable ? (
          <button type="button" className="small" onClick={() => void retry(job.id)}>
            Retry
          </button>
        ) : null}
      </div>
      {job.state === 'running' ? <ProgressBar loaded={p?.loaded ?? 0} total={p?.total} label={`${job.title} progress`} /> : null}
      <div className="muted small">
        {amount}
        {p?.filesTotal !== undefined ? ` · ${p.files ?? 0}/${p.filesTotal} files` : ''}
        {job.state === 'running' && p?.rate !== undefined ? ` · ${formatRate(p.rate, unit)}` : ''}
        {job.state === 'running' ? ` ${formatEta(p?.etaMs)}` : ''}
        {job.error ? <span className="bad-text"> {job.error.message}</span> : null}
      </div>
    </li>
  );
}

/** Every job of this session: running first, then newest. */
export function TransfersView() {
  const jobs = useApp((s) => s.jobs);
  const push = useApp((s) => s.pushData);
  const pull = useApp((s) => s.pullData);
  const list = Object.values(jobs).sort((a, b) => (a.state === 'running' ? 0 : 1) - (b.state === 'running' ? 0 : 1) || b.startedAt - a.startedAt);
  return (
    <section className="transfers" aria-label="Transfers">
      <div className="toolbar">
        <button type="button" onClick={() => void push()}>
          Push
        </button>
        <button type="button" onClick={() => void pull()}>
          Pull
        </button>
      </div>
      {list.length === 0 ? <p className="muted">No transfers yet.</p> : null}
      <ul className="jobs">
        {list.map((j) => (
          <JobRow key={j.id} job={j} />
        ))}
      </ul>
    </section>
  );
}
