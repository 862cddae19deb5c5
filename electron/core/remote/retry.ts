import { setTimeout as sleep } from 'node:timers/promises';
import { LockstepError, isLockstepError } from '../errors/index.ts';
import { throwIfAborted } from '../jobs/abort.ts';

/** How hard to try before giving up on one request. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Default: 6 attempts, 250 ms doubling to 15 s: rides out a throttling burst or a short outage. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 15_000 };

/** Whether an error is worth another attempt (marked by the remote layer as `data.retryable`). */
export function isRetryable(err: unknown): boolean {
  return isLockstepError(err) && err.data.retryable === true;
}

/**
 * Runs `fn` until it succeeds, a non-retryable error occurs, the signal aborts, or attempts run out.
 * Delays use "full jitter" (random between 0 and the exponential cap) so parallel transfers that failed
 * together do not hammer a throttling server in lockstep. `onRetry` lets callers rewind progress.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: { signal?: AbortSignal; policy?: RetryPolicy; onRetry?: (err: unknown, attempt: number) => void } = {},
): Promise<T> {
  const policy = opts.policy ?? DEFAULT_RETRY;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(opts.signal);
    try {
      return await fn(attempt);
    } catch (err) {
      if (opts.signal?.aborted) throw new LockstepError('ABORTED', 'The operation was cancelled.', {}, { cause: err });
      if (!isRetryable(err) || attempt >= policy.attempts) throw err;
      opts.onRetry?.(err, attempt);
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      try {
        await sleep(Math.random() * cap, undefined, { signal: opts.signal });
      } catch {
        throw new LockstepError('ABORTED', 'The operation was cancelled.', {}, { cause: err });
      }
    }
  }
}
