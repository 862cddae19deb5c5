import { LockstepError } from '../errors/index.ts';

/** Throws ABORTED if the signal fired. Call between units of work so cancellation is prompt but clean. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LockstepError('ABORTED', 'The operation was cancelled.');
}
