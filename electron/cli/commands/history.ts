import { LockstepError } from '../../core/errors/index.ts';
import type { CliCommand } from '../command.ts';
import { formatBytes } from '../format.ts';

/** `lockstep history PATH`: every version of one dataset or model. */
export const command: CliCommand = {
  name: 'history',
  summary: 'Show every version of a tracked path across the history, oldest first',
  usage: `Usage: lockstep history <path> [--json]

  <path>   a tracked output (data/images) or its pointer file (data/images.dvc)`,
  options: {},
  allowPositionals: true,
  async run(ctx, _values, positionals) {
    const target = positionals[0];
    if (!target || positionals.length > 1) throw new LockstepError('USAGE', 'lockstep history takes exactly one path.', {});
    const [{ updateTimeline }, { getDatasetHistory }, path] = await Promise.all([import('../../core/history/update-timeline.ts'), import('../../core/history/dataset-history.ts'), import('node:path')]);
    const repo = await ctx.openRepo();
    await updateTimeline(repo, { signal: ctx.signal, onProgress: ctx.progress });
    const rel = path.relative(repo.root, path.resolve(ctx.cwd, target)).split(path.sep).join('/');
    const h = getDatasetHistory(repo, rel);
    const lines = [`${h.path}: ${h.versions.length} version${h.versions.length === 1 ? '' : 's'}`];
    for (const v of h.versions) {
      const size = v.size === null ? '?' : formatBytes(v.size);
      lines.push(`  ${v.md5.slice(0, 12)}  ${size.padStart(9)}  ${v.nfiles ?? '?'} files  ${v.firstCommit.oid.slice(0, 8)}..${v.lastCommit.oid.slice(0, 8)}  (${v.commits} commits) ${v.firstCommit.subject}${v.legacy ? '  [2.x]' : ''}`);
    }
    return { data: h, text: lines.join('\n') };
  },
};
