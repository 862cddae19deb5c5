import path from 'node:path';
import { LockstepError } from '../errors/index.ts';
import type { TrackedOutput } from '../repo/outputs.ts';

/**
 * Picks the tracked outputs a command's targets name. A target may be an output path, a folder
 * containing outputs, or a `.dvc` / `dvc.lock` file (all its outputs); relative to `cwd`. No targets
 * means every output. A target matching nothing is NOT_TRACKED.
 */
export function selectOutputs(root: string, outputs: readonly TrackedOutput[], targets: readonly string[] | undefined, cwd: string = root): TrackedOutput[] {
  if (!targets || targets.length === 0) return [...outputs];
  const picked = new Set<TrackedOutput>();
  for (const t of targets) {
    const abs = path.resolve(cwd, t).replace(/[\\/]+$/, '');
    const rel = path.relative(root, abs).split(path.sep).join('/');
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new LockstepError('PATH_ESCAPE', `${t} is outside the repository ${root}.`, { path: t });
    }
    const matches = outputs.filter((o) => o.source.file === rel || o.relPath === rel || rel === '' || o.relPath.startsWith(`${rel}/`));
    if (matches.length === 0) {
      throw new LockstepError('NOT_TRACKED', `${t} is not tracked. Track it first with \`lockstep add ${t}\`.`, { path: t });
    }
    for (const m of matches) picked.add(m);
  }
  return outputs.filter((o) => picked.has(o));
}
