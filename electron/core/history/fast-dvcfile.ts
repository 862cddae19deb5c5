import { resolveOutputPath } from '../dvc/safe-path.ts';
import type { OutputVersion } from './types.ts';

// The exact shape `dvc add` writes: `outs:` then one block per output with plain scalars.
const LINE = /^(- | {2})(md5|size|nfiles|hash|path): (.+)$/;
const MD5 = /^[0-9a-f]{32}(\.dir)?$/;
const INT = /^(0|[1-9][0-9]*)$/;
// A plain YAML scalar that can only load as this very string (no quotes, colons, comments, numbers, booleans).
const SAFE_PATH = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;
const RESERVED = /^(true|false|null)$/i;

/**
 * Reads a `.dvc` file written in DVC's canonical simple form without a YAML parser: the timeline reads
 * thousands of historical pointer versions and a full parse costs ~1 ms each. Anything that is not
 * exactly that form (comments, quotes, other keys, odd values, duplicates) returns null, and the caller
 * uses the full strict parser, so results never differ from it.
 */
export function fastDvcFileOutputs(text: string, file: string): OutputVersion[] | null {
  const lines = text.split('\n');
  if (lines[0] !== 'outs:') return null;
  const entries: Record<string, string>[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '' && i === lines.length - 1) break;
    const m = LINE.exec(line);
    if (!m) return null;
    const [, lead, key, value] = m as unknown as [string, string, string, string];
    if (lead === '- ') entries.push({});
    const cur = entries[entries.length - 1];
    if (!cur || key in cur) return null;
    cur[key] = value;
  }
  if (entries.length === 0) return null;
  const out: OutputVersion[] = [];
  for (const e of entries) {
    const { md5, size, nfiles, hash, path } = e;
    if (path === undefined || !SAFE_PATH.test(path) || RESERVED.test(path) || path.endsWith('/')) return null;
    if (md5 !== undefined && !MD5.test(md5)) return null;
    if ((size !== undefined && !INT.test(size)) || (nfiles !== undefined && !INT.test(nfiles))) return null;
    if (hash !== undefined && hash !== 'md5') return null;
    const isDir = md5 !== undefined && md5.endsWith('.dir');
    out.push({
      path: resolveOutputPath(file, undefined, path),
      md5: md5 ?? null,
      size: size === undefined ? null : Number(size),
      nfiles: nfiles !== undefined ? Number(nfiles) : isDir || md5 === undefined ? null : 1,
      legacy: hash === undefined,
      isDir,
      cache: true,
      source: { kind: 'dvcfile', file },
    });
  }
  return out;
}
