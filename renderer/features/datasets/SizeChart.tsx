import type { DatasetVersion } from '../../../shared/model.ts';
import { formatBytes } from '../../format.ts';

/** Size (line) and file count (bars) of each version over time, as a dependency-free SVG. */
export function SizeChart({ versions }: { versions: readonly DatasetVersion[] }) {
  const W = 560;
  const H = 160;
  const pad = 28;
  if (versions.length === 0) return null;
  const maxSize = Math.max(1, ...versions.map((v) => v.size ?? 0));
  const maxFiles = Math.max(1, ...versions.map((v) => v.nfiles ?? 0));
  const step = versions.length > 1 ? (W - 2 * pad) / (versions.length - 1) : 0;
  const x = (i: number) => pad + i * step;
  const y = (size: number) => H - pad - (size / maxSize) * (H - 2 * pad);
  const line = versions.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v.size ?? 0).toFixed(1)}`).join(' ');
  return (
    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Size over time">
      {versions.map((v, i) => {
        const h = ((v.nfiles ?? 0) / maxFiles) * (H - 2 * pad);
        return <rect key={`b${i}`} className="chart-bar" x={x(i) - 4} y={H - pad - h} width={8} height={h} />;
      })}
      <path className="chart-line" d={line} fill="none" />
      {versions.map((v, i) => (
        <circle key={`c${i}`} className="chart-dot" cx={x(i)} cy={y(v.size ?? 0)} r={3}>
          <title>
            {formatBytes(v.size)}
            {v.nfiles !== null ? `, ${v.nfiles} files` : ''} — {new Date(v.date).toLocaleDateString()}
          </title>
        </circle>
      ))}
      <text x={pad} y={14} className="chart-label">
        max {formatBytes(maxSize)}
      </text>
    </svg>
  );
}
