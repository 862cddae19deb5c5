import { execFileSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';

/**
 * Mounts a real tmpfs of `sizeMb` at `dir` (tests run as root in the sandbox). It is a separate device, so it
 * gives both a genuinely full filesystem (ENOSPC) and cross-device paths (EXDEV). Throws if mounting fails:
 * these tests must not silently fall back to something fake.
 */
export async function mountTmpfs(dir: string, sizeMb: number): Promise<{ dir: string; unmount: () => Promise<void> }> {
  await mkdir(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir]);
  return {
    dir,
    unmount: async () => {
      execFileSync('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
