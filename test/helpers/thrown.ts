import { LockstepError } from '../../electron/core/errors/index.ts';

/** Runs `fn` and returns the LockstepError it throws; fails the test if it throws nothing or something else. */
export function thrown(fn: () => unknown): LockstepError {
  try {
    fn();
  } catch (err) {
    if (err instanceof LockstepError) return err;
    throw err;
  }
  throw new Error('expected a LockstepError');
}
