import fs from 'node:fs';
import { LockstepError } from '../errors/index.ts';

/** The fs isomorphic-git is given: plain node fs (isomorphic-git uses `fs.promises` when present). */
export const gitFs = fs;

/** One object cache shared by read-only isomorphic-git calls in this process (pack indexes are expensive). */
export const gitCache: object = {};

/** Wraps an isomorphic-git failure in GIT_ERROR naming what was attempted. */
export function gitError(err: unknown, action: string, data: Record<string, unknown> = {}): LockstepError {
  if (err instanceof LockstepError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new LockstepError('GIT_ERROR', `Git could not ${action}: ${detail}`, data, { cause: err });
}
