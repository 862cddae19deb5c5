import { throwIfAborted } from '../jobs/abort.ts';

/**
 * Runs `worker` over `items` with at most `concurrency` in flight. The first failure stops new work from
 * starting, waits for the running ones to settle, then rethrows, so no transfer is left dangling. With
 * `collectErrors`, failures are gathered instead and every item is attempted.
 */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<void>,
  opts: { signal?: AbortSignal; collectErrors?: (err: unknown, item: T) => void } = {},
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      throwIfAborted(opts.signal);
      const i = next++;
      const item = items[i] as T;
      try {
        await worker(item, i);
      } catch (err) {
        if (opts.collectErrors && !opts.signal?.aborted) opts.collectErrors(err, item);
        else failure ??= { err };
      }
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane);
  const settled = await Promise.allSettled(lanes);
  if (failure) throw failure.err;
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
}
