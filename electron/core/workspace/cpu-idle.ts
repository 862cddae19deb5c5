import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';

/**
 * True when a second core looks free for a helper thread of this process. On a busy machine a worker thread
 * competes with the calling thread for the same cores and only adds its start-up (tens of ms of CPU) and message
 * costs (measured: about 10% slower for a 100k-file walk at a load of 5 on 2 cores), while on an idle machine it
 * takes a third off the work it shares. The 1-minute load average lags by far too much for that: a machine that
 * just spent half a minute hashing on both cores reads above 2 for a minute after it went idle. So on Linux the
 * threads of other processes runnable right now decide; elsewhere the load average does.
 */
export function idleCore(): boolean {
  const cores = os.availableParallelism();
  if (cores < 2) return false;
  const others = othersRunnable();
  return others === undefined ? (os.loadavg()[0] ?? 0) <= cores - 1 : others <= cores - 2;
}

/**
 * Threads of other processes runnable at this instant: the kernel's count in /proc/loadavg ("0.50 0.40 0.30
 * 3/345 6789") minus this process's own running threads (this one, and any V8 helper busy at the moment).
 * Undefined where /proc is not available.
 */
function othersRunnable(): number | undefined {
  try {
    const m = /^\S+ \S+ \S+ (\d+)\//.exec(readFileSync('/proc/loadavg', 'latin1'));
    if (!m) return undefined;
    let own = 0;
    for (const task of readdirSync('/proc/self/task')) {
      try {
        const stat = readFileSync(`/proc/self/task/${task}/stat`, 'latin1');
        // "<tid> (<comm>) <state> ...": the name may hold spaces and parentheses, the state follows the last ')'.
        if (stat.charAt(stat.lastIndexOf(')') + 2) === 'R') own++;
      } catch {
        // The thread ended meanwhile.
      }
    }
    return Math.max(0, Number(m[1]) - own);
  } catch {
    return undefined;
  }
}
