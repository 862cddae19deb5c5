import { useState } from 'react';
import { useApp } from '../../store/react.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { formatBytes } from '../../format.ts';

/**
 * The commit box. Mounted afresh for each drop, so the message and the push choice of the last one never
 * carry over.
 */
function CommitBox({ paths, into }: { paths: readonly string[]; into: string | null }) {
  const names = paths.join(', ');
  const commitTracked = useApp((s) => s.commitTracked);
  const dismiss = useApp((s) => s.dismissTrack);
  const hasRemote = useApp((s) => s.repo?.defaultRemote != null);
  const [message, setMessage] = useState('');
  const [push, setPush] = useState(true);
  return (
    <form
      className="commit-box"
      onSubmit={(e) => {
        e.preventDefault();
        if (message.trim()) void commitTracked(message.trim(), push && hasRemote);
      }}
    >
      <p>
        {into ? (
          <>
            <strong>{into}</strong> has a new version with {paths.map((p) => p.slice(into.length + 1)).join(', ')}, cached.
          </>
        ) : (
          <>
            <strong>{names}</strong> {paths.length > 1 ? 'are' : 'is'} tracked and cached.
          </>
        )}{' '}
        Commit to record this version in git.
      </p>
      <textarea aria-label="Commit message" placeholder={into ? `Update ${into}` : `Add ${names}`} value={message} onChange={(e) => setMessage(e.target.value)} rows={2} />
      <div className="row">
        <label className="check">
          <input type="checkbox" checked={push && hasRemote} disabled={!hasRemote} onChange={(e) => setPush(e.target.checked)} /> Push after commit
        </label>
        <button type="submit" className="primary" disabled={!message.trim()}>
          Commit
        </button>
        <button type="button" onClick={dismiss}>
          Later
        </button>
      </div>
    </form>
  );
}

/** After a drop: upload and hashing progress, then the commit box (message, push after commit). */
export function TrackPanel() {
  const track = useApp((s) => s.track);
  const job = useApp((s) => (s.track?.jobId ? s.jobs[s.track.jobId] : undefined));
  if (!track) return null;
  const names = track.paths.join(', ');
  return (
    <section className="track-panel card" aria-label="Track">
      {track.step === 'uploading' && track.upload ? (
        <>
          <p>
            Uploading {names}: {formatBytes(track.upload.loaded)} of {formatBytes(track.upload.total)}
          </p>
          <ProgressBar loaded={track.upload.loaded} total={track.upload.total} label="Upload progress" />
        </>
      ) : null}
      {track.step === 'tracking' || track.step === 'committing' ? (
        <>
          <p>
            {track.step === 'tracking' ? 'Tracking' : 'Committing'} {names}
            {job?.progress ? ` — ${job.progress.phase}` : ''}
            {job?.progress?.filesTotal ? ` (${job.progress.files ?? 0}/${job.progress.filesTotal} files)` : ''}
          </p>
          <ProgressBar loaded={job?.progress?.loaded ?? 0} total={job?.progress?.total} label="Tracking progress" />
        </>
      ) : null}
      {track.step === 'commit' ? <CommitBox paths={track.paths} into={track.into} /> : null}
    </section>
  );
}
