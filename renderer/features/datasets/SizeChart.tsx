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
      <text x={pad} y={16} className="chart-label">
        max {formatBytes(maxSize)} · {maxFiles} files
      </text>
      <g className="chart-legend" transform={`translate(${W - pad - 150}, 8)`}>
        <line x1={0} y1={8} x2={14} y2={8} className="chart-line" />
        <text x={18} y={12}>size</text>
        <rect x={60} y={3} width={8} height={10} className="chart-bar" />
        <text x={72} y={12}>file count</text>
      </g>
      {/* One label per version while they fit; past that, only the first and the last. */}
      {versions.map((v, i) =>
        versions.length <= 12 || i === 0 || i === versions.length - 1 ? (
          <text key={`t${i}`} x={x(i)} y={H - 8} className="chart-axis" textAnchor={versions.length === 1 ? 'start' : i === 0 ? 'start' : i === versions.length - 1 ? 'end' : 'middle'}>
            {v.firstCommit.slice(0, 7)}
          </text>
        ) : null,
      )}
    </svg>
  );
}
