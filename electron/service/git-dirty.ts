import { execFile } from 'node:child_process';

/**
 * Number of uncommitted changes git reports (staged, unstaged, untracked). Uses the git CLI because
 * isomorphic-git's status walks the whole working tree, data folders included, which is far too slow
 * for a badge refreshed on every file event. Without a git binary the count is unknown: 0.
 */
export function gitDirtyCount(workTree: string): Promise<number> {
  return new Promise((resolve) => {
    execFile('git', ['-C', workTree, 'status', '--porcelain', '-z', '--untracked-files=normal'], { timeout: 10_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) return resolve(0);
      resolve(stdout.split('\0').filter((l) => l.length > 3).length);
    });
  });
}
