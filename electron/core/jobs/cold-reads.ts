/**
 * Whether small-file reads should leave the event loop for a while. The engine reads and copies small cache
 * objects with synchronous calls, which is cheapest while the page cache answers (jobs/loop-budget.ts). When
 * the bytes must come from the disk instead (objects added hours ago, a cold cache after a reboot) each such
 * call blocks the loop for a disk seek, one file at a time: 5,000 x 64 KiB pushed from a cold cache kept the
 * loop blocked 2.6 s of 15 s. Callers time their synchronous call; once one proves slow, the next calls go
 * through the thread pool, several at once (the disk can reorder them), for a couple of seconds, and then a
 * synchronous call is tried again.
 */

/** A synchronous small-file call slower than this waited for the disk. */
const SLOW_MS = 2;
/** How long calls go through the pool after a slow one. */
const SPELL_MS = 2000;

let coldUntil = 0;

/** True while small-file calls should go through the thread pool. */
export function coldSpell(): boolean {
  return performance.now() < coldUntil;
}

/** Runs a synchronous small-file call and starts a cold spell if it was slow. */
export function timedSync<T>(fn: () => T): T {
  const started = performance.now();
  try {
    return fn();
  } finally {
    const now = performance.now();
    if (now - started > SLOW_MS) coldUntil = now + SPELL_MS;
  }
}
