import type { CliCommand } from '../command.ts';
import { formatBytes } from '../format.ts';

/** `lockstep log`: the code + data timeline, newest first. */
export const command: CliCommand = {
  name: 'log',
  summary: 'Show the timeline of commits with their data, params, metrics and environment changes',
  usage: `Usage: lockstep log [--data-only] [-n <count>] [--skip <count>] [--json]

  --data-only   only commits that changed outputs, params, metrics or the environment
  -n <count>    how many commits to show (default 20, at most 1000)
  --skip <n>    skip the newest n commits (paging)`,
  options: {
    'data-only': { type: 'boolean' },
    n: { type: 'string', short: 'n' },
    skip: { type: 'string' },
  },
  allowPositionals: false,
  async run(ctx, values) {
    const [{ updateTimeline }, { getTimeline }] = await Promise.all([import('../../core/history/update-timeline.ts'), import('../../core/history/query-timeline.ts')]);
    const repo = await ctx.openRepo();
    await updateTimeline(repo, { signal: ctx.signal, onProgress: ctx.progress });
    const page = getTimeline(repo, { dataOnly: values['data-only'] === true, limit: Number(values.n ?? 20), offset: Number(values.skip ?? 0) });
    const lines: string[] = [];
    for (const c of page.commits) {
      const names = [...(c.refs.head ? ['HEAD'] : []), ...c.refs.branches, ...c.refs.tags.map((t) => `tag: ${t}`)];
      lines.push(`${c.oid.slice(0, 8)} ${new Date(c.time * 1000).toISOString().slice(0, 10)} ${c.author.name}  ${c.subject}${names.length ? `  (${names.join(', ')})` : ''}`);
      for (const o of c.outputs) {
        const delta = o.sizeDelta === null ? '' : ` ${o.sizeDelta >= 0 ? '+' : '-'}${formatBytes(Math.abs(o.sizeDelta))}`;
        const files = o.nfilesDelta ? `, ${o.nfilesDelta > 0 ? '+' : ''}${o.nfilesDelta} files` : '';
        lines.push(`    ${o.change.padEnd(8)} ${o.path}${delta}${files}${(o.new ?? o.old)?.legacy ? ' (2.x)' : ''}`);
      }
      for (const p of [...c.params, ...c.metrics]) lines.push(`    ${p.source === 'metrics' ? 'metric' : 'param '}   ${p.file}:${p.key} ${show(p.old)} -> ${show(p.new)}`);
      if (c.environment.changed) lines.push(`    env      ${c.environment.files.join(', ') || 'environment files changed'}`);
      for (const w of c.warnings) lines.push(`    warning  ${w}`);
    }
    if (page.total > page.offset + page.commits.length) lines.push(`... ${page.total - page.offset - page.commits.length} older commits (--skip ${page.offset + page.commits.length})`);
    return { data: page, text: lines.join('\n') || 'No commits yet.' };
  },
};

function show(v: unknown): string {
  return v === undefined ? '(none)' : JSON.stringify(v);
}
