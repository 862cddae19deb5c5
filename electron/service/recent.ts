import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecentRepo } from '../../shared/model.ts';

const MAX_RECENT = 12;

/**
 * The recently opened repositories, kept in a small JSON file (Electron's userData, or
 * `~/.config/lockstep` in browser mode). Written atomically; a missing or garbled file is an empty list
 * because losing the list costs the user nothing.
 */
export class RecentStore {
  private readonly file: string;
  constructor(file: string) {
    this.file = file;
  }

  /** Most recent first. */
  async list(): Promise<RecentRepo[]> {
    try {
      const v: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      if (!Array.isArray(v)) return [];
      return v.filter((r): r is RecentRepo => typeof r?.path === 'string' && typeof r?.name === 'string' && typeof r?.openedAt === 'number');
    } catch {
      return [];
    }
  }

  /** Moves `repoPath` to the top of the list. */
  async touch(repoPath: string, now = Date.now()): Promise<RecentRepo[]> {
    const rest = (await this.list()).filter((r) => r.path !== repoPath);
    const next = [{ path: repoPath, name: path.basename(repoPath), openedAt: now }, ...rest].slice(0, MAX_RECENT);
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, JSON.stringify(next, null, 2));
    await rename(tmp, this.file);
    return next;
  }
}
