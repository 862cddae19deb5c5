import { LockstepError } from '../../core/errors/index.ts';
import type { CliCommand } from '../command.ts';
import { formatBytes } from '../format.ts';

/** `lockstep diff A B [PATH]`: params/metrics/outputs table, or one path's folder or CSV diff. */
export const command: CliCommand = {
  name: 'diff',
  summary: 'Compare the data, params and metrics of two commits, or two versions of one path',
  usage: `Usage: lockstep diff <rev-a> <rev-b> [<path>] [--json]

  Without a path: outputs, params, metrics and environment that differ.
  With a folder output: files added, removed and modified.
  With a CSV/TSV file: row and column counts, header changes and sample rows.`,
  options: {},
  allowPositionals: true,
  async run(ctx, _values, positionals) {
    const [a, b, target] = positionals;
    if (!a || !b || positionals.length > 3) throw new LockstepError('USAGE', 'lockstep diff takes two revisions and optionally one path.', {});
    const repo = await ctx.openRepo();
    if (target) {
      const [{ diffPath }, path] = await Promise.all([import('../../core/history/path-diff.ts'), import('node:path')]);
      const rel = path.relative(repo.root, path.resolve(ctx.cwd, target)).split(path.sep).join('/');
      const d = await diffPath(repo, a, b, rel, { signal: ctx.signal, onProgress: ctx.progress });
      const lines = [`${d.path}: ${d.a.md5 ?? '(absent)'} -> ${d.b.md5 ?? '(absent)'}`];
      if (d.folder) {
        lines.push(`  ${d.folder.added} added, ${d.folder.removed} removed, ${d.folder.modified} modified, ${d.folder.unchanged} unchanged`);
        for (const f of d.folder.files) lines.push(`  ${f.change.padEnd(8)} ${f.relpath}  ${f.oldSize === null ? '' : formatBytes(f.oldSize)}${f.change === 'modified' ? ' -> ' : ''}${f.newSize === null ? '' : formatBytes(f.newSize)}`);
      }
      if (d.csv) {
        const c = d.csv;
        lines.push(`  rows ${c.old.rows} -> ${c.new.rows}, columns ${c.old.columns} -> ${c.new.columns}; ${c.addedRows} rows added, ${c.removedRows} removed`);
        if (c.header.added.length || c.header.removed.length) lines.push(`  columns added: ${c.header.added.join(', ') || '-'}; removed: ${c.header.removed.join(', ') || '-'}`);
        for (const r of c.sampleAdded) lines.push(`  + ${r}`);
        for (const r of c.sampleRemoved) lines.push(`  - ${r}`);
      }
      return { data: d, text: lines.join('\n') };
    }
    const [{ compareCommits }, { openHistoryGit }] = await Promise.all([import('../../core/history/compare-commits.ts'), import('../../core/history/history-git.ts')]);
    const git = openHistoryGit(repo);
    try {
      const cmp = await compareCommits(git, a, b);
      const rows = [
        ...cmp.outputs.map((o) => ['output', o.path, o.old?.md5?.slice(0, 8) ?? '-', o.new?.md5?.slice(0, 8) ?? '-', o.sizeDelta === null ? '' : `${o.sizeDelta >= 0 ? '+' : '-'}${formatBytes(Math.abs(o.sizeDelta))}`]),
        ...cmp.params.map((p) => [p.source === 'dvc.lock' ? 'param (lock)' : 'param', `${p.file}:${p.key}`, show(p.old), show(p.new), '']),
        ...cmp.metrics.map((m) => ['metric', `${m.file}:${m.key}`, show(m.old), show(m.new), '']),
        ...(cmp.environment.changed ? [['environment', 'fingerprint', cmp.environment.a?.slice(0, 8) ?? '-', cmp.environment.b?.slice(0, 8) ?? '-', '']] : []),
      ];
      return { data: cmp, text: rows.length ? table([['kind', 'name', a, b, 'change'], ...rows]) : `No data, params or metrics differ between ${a} and ${b}.` };
    } finally {
      git.close();
    }
  },
};

function show(v: unknown): string {
  return v === undefined ? '-' : JSON.stringify(v);
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
