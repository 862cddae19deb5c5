/** A determinate bar when `total` is known, an indeterminate stripe otherwise. */
export function ProgressBar({ loaded, total, label }: { loaded: number; total?: number | undefined; label: string }) {
  const pct = total && total > 0 ? Math.min(100, (loaded / total) * 100) : undefined;
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct === undefined ? undefined : Math.round(pct)}>
      <div className={pct === undefined ? 'progress-fill indeterminate' : 'progress-fill'} style={pct === undefined ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
