import type { CliCommand } from '../command.ts';
import { formatBytes, plural } from '../format.ts';

/** `lockstep gc`: remove cache objects nothing uses. */
export const command: CliCommand = {
  name: 'gc',
  summary: 'Free disk space: remove cached data no version in scope uses (dry run unless --force)',
  usage: `Usage: lockstep gc [-a] [-T] [-A] [--force]

  The current workspace is always kept.
  -a, --all-branches  also keep what the tip of every branch uses
  -T, --all-tags      also keep what every tag uses
  -A, --all-commits   also keep what any commit uses
  -w, --workspace     keep only what the workspace uses (the default)
  --force             actually delete; without it gc only shows what it would free`,
  options: {
    'all-branches': { type: 'boolean', short: 'a' },
    'all-tags': { type: 'boolean', short: 'T' },
    'all-commits': { type: 'boolean', short: 'A' },
    workspace: { type: 'boolean', short: 'w' },
    force: { type: 'boolean' },
  },
  allowPositionals: false,
  async run(ctx, values) {
    // Loaded on use: `lockstep --help` and other commands do not pay for this operation's imports.
    const { gc } = await import('../../core/ops/gc.ts');
    const repo = await ctx.openRepo();
    const result = await gc(repo, {
      allBranches: values['all-branches'] === true,
      allTags: values['all-tags'] === true,
      allCommits: values['all-commits'] === true,
      force: values.force === true,
      signal: ctx.signal,
      onProgress: ctx.progress,
    });
    const what = `${plural(result.count, 'object')} (${formatBytes(result.bytes)})`;
    const lines = [`Keeping data used by: ${result.scopes.join(', ')} (${plural(result.kept, 'object')}).`];
    if (result.count === 0) lines.push('Nothing to remove.');
    else if (result.dryRun) lines.push(`Would remove ${what}. Run again with --force to delete them.`);
    else lines.push(`Removed ${what}.`);
    if (ctx.verbose) for (const o of result.objects) lines.push(`  ${o.hashName === 'md5' ? '' : 'legacy '}${o.oid}  ${formatBytes(o.size)}`);
    if (result.unknownDirs.length > 0) lines.push(`Note: ${plural(result.unknownDirs.length, 'folder manifest')} in use are not in the local cache, so their files could not be identified: ${result.unknownDirs.slice(0, 5).join(', ')}`);
    return { data: result, text: lines.join('\n') };
  },
};
