import { useApp } from '../../store/react.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { Chip } from '../../components/Chip.tsx';
import { formatBytes, formatEta, formatRate, formatRelative } from '../../format.ts';
import type { Job } from '../../../shared/model.ts';

const STATE_TONE = { done: 'ok', failed: 'bad', cancelled: 'warn' } as const;

/** "0.4 s", "12 s", "3 min 5 s". */
function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

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
        {job.state !== 'running' ? <Chip tone={STATE_TONE[job.state]}>{job.state}</Chip> : null}
        <span className="muted small">
          {job.state === 'running' ? (p?.phase ?? 'starting') : `took ${formatDuration((job.endedAt ?? job.startedAt) - job.startedAt)}`} · {formatRelative(job.startedAt)}
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
