/** Display formatting shared by components. Pure functions, unit-tested. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 -> "1.5 KB" (decimal-ish display with binary steps, like most file managers). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const s = i === 0 ? String(v) : v >= 100 ? v.toFixed(0) : v.toFixed(1);
  return `${n < 0 ? '-' : ''}${s} ${UNITS[i]}`;
}

/** A signed size delta: "+1.5 KB", "-20 B", "±0 B". */
export function formatDelta(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  if (n === 0) return '±0 B';
  return n > 0 ? `+${formatBytes(n)}` : formatBytes(n);
}

/** "3 minutes ago", "2 days ago", falling back to a date past a year. */
export function formatRelative(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 45) return 'just now';
  const steps: [number, string][] = [[60, 'minute'], [3600, 'hour'], [86400, 'day'], [86400 * 30, 'month']];
  if (s >= 86400 * 365) return new Date(ms).toISOString().slice(0, 10);
  let unit = 'minute';
  let size = 60;
  for (const [sz, name] of steps) if (s >= sz) [size, unit] = [sz, name];
  const v = Math.max(1, Math.round(s / size));
  return `${v} ${unit}${v === 1 ? '' : 's'} ago`;
}

/** Bytes per second as "12.3 MB/s"; files per second as "120 files/s". */
export function formatRate(rate: number | undefined, unit: 'bytes' | 'files' | 'objects' = 'bytes'): string {
  if (rate === undefined) return '';
  return unit === 'bytes' ? `${formatBytes(Math.round(rate))}/s` : `${Math.round(rate)} ${unit}/s`;
}

/** "1 min 5 s left". */
export function formatEta(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.ceil(ms / 1000);
  if (s < 60) return `${s} s left`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s left`;
  return `${Math.floor(m / 60)} h ${m % 60} min left`;
}

/** Short form of an md5 or commit oid for chips. */
export function shortHash(h: string | null | undefined): string {
  if (!h) return '—';
  return h.endsWith('.dir') ? `${h.slice(0, 8)}.dir` : h.slice(0, 8);
}
