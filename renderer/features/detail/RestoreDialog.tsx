import { useApp } from '../../store/react.ts';
import { ProgressBar } from '../../components/ProgressBar.tsx';
import { formatBytes, shortHash } from '../../format.ts';

/**
 * The restore flow in one dialog: the plan first (what will be created, replaced, removed; what must be
 * downloaded), a clear choice when unsaved work is in the way, progress while it runs, Undo afterwards.
 */
export function RestoreDialog() {
  const restore = useApp((s) => s.restore);
  const job = useApp((s) => (s.restore?.jobId ? s.jobs[s.restore.jobId] : undefined));
  const undoJob = useApp((s) => (s.restore?.undoJobId ? s.jobs[s.restore.undoJobId] : undefined));
  const runRestore = useApp((s) => s.runRestore);
  const undoRestore = useApp((s) => s.undoRestore);
  const close = useApp((s) => s.closeRestore);
  if (!restore) return null;
  const plan = restore.plan;
  const blocked = plan !== null && (plan.unsaved.length > 0 || plan.uncommittedCode.length > 0);
  const title = restore.dataOnly ? 'Restore data only' : 'Restore this run';
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-modal="true" aria-label={title}>
        <h2>
          {title} <code>{shortHash(restore.rev)}</code>
        </h2>
        {restore.step === 'loading' ? <p className="muted">Working out the plan…</p> : null}
        {plan && restore.step === 'plan' ? (
          <>
            <p>
              {restore.dataOnly ? 'The data of that commit comes into your current code; pointer files are updated.' : 'Your workspace moves to that commit, code and data.'}{' '}
              {plan.bytesToDownload > 0 ? `${formatBytes(plan.bytesToDownload)} will be downloaded from the remote.` : 'Everything needed is in the local cache.'}
            </p>
            {plan.entries.length === 0 ? <p className="muted">Nothing to change: the workspace already matches.</p> : null}
            <ul className="plan small" aria-label="Restore plan">
              {plan.entries.slice(0, 200).map((e) => (
                <li key={`${e.action}:${e.path}`}>
                  <span className={`plan-${e.action}`}>{e.action}</span> {e.path} {e.bytes !== null ? <span className="muted">({formatBytes(e.bytes)})</span> : null}
                </li>
              ))}
              {plan.entries.length > 200 ? <li className="muted">… and {plan.entries.length - 200} more</li> : null}
            </ul>
            {blocked ? (
              <div className="callout">
                <strong>You have work that is not saved:</strong>
                <ul className="small">
                  {[...plan.unsaved, ...plan.uncommittedCode].slice(0, 20).map((f) => (
                    <li key={f}>{f}</li>
                  ))}
                </ul>
                Lockstep can save it first (data into the cache, code changes kept aside) so that Undo brings it back exactly.
              </div>
            ) : null}
            <div className="row">
              {blocked ? (
                <button type="button" className="primary" onClick={() => void runRestore('save')}>
                  Save my work and restore
                </button>
              ) : (
                <button type="button" className="primary" onClick={() => void runRestore('refuse')}>
                  Restore
                </button>
              )}
              <button type="button" onClick={close}>
                Cancel
              </button>
            </div>
          </>
        ) : null}
        {restore.step === 'running' ? (
          <>
            <p>{job?.progress?.phase ?? 'Starting'}…</p>
            <ProgressBar loaded={job?.progress?.loaded ?? 0} total={job?.progress?.total} label="Restore progress" />
          </>
        ) : null}
        {restore.step === 'done' ? (
          <>
            <p>{undoJob?.state === 'done' ? 'The restore was undone; your workspace is back as it was.' : 'Restored and verified.'}</p>
            {undoJob?.state === 'running' ? <ProgressBar loaded={undoJob.progress?.loaded ?? 0} total={undoJob.progress?.total} label="Undo progress" /> : null}
            <div className="row">
              {!undoJob ? (
                <button type="button" onClick={() => void undoRestore()}>
                  Undo
                </button>
              ) : null}
              <button type="button" className="primary" onClick={close}>
                Close
              </button>
            </div>
          </>
        ) : null}
      </div>
    </div>
  );
}
