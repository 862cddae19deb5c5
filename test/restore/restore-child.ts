// Runs one restore or undo in its own process, so tests can SIGKILL it midway.
import { restore } from '../../electron/core/ops/restore.ts';
import { undo } from '../../electron/core/ops/undo.ts';
import { openRepo } from '../../electron/core/repo/open-repo.ts';

const [dir, action, rev, ...flags] = process.argv.slice(2);
const repo = await openRepo(dir as string);
try {
  if (action === 'undo') await undo(repo);
  else await restore(repo, { rev: rev as string, dataOnly: flags.includes('--data-only'), save: flags.includes('--save') });
  process.stdout.write('done\n');
} finally {
  repo.close();
}
