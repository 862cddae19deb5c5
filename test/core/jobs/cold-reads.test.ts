import { describe, expect, it } from 'vitest';
import { coldSpell, timedSync } from '../../../electron/core/jobs/cold-reads.ts';

function busy(ms: number): number {
  const until = performance.now() + ms;
  let spins = 0;
  while (performance.now() < until) spins++;
  return spins;
}

describe('cold spells (small-file calls leave the event loop once one waited for the disk)', () => {
  it('a slow synchronous call sends the next calls to the pool for a while', async () => {
    expect(coldSpell()).toBe(false);
    expect(timedSync(() => busy(5))).toBeGreaterThan(0);
    expect(coldSpell()).toBe(true);
    // The spell ends by itself: a synchronous call is tried again later.
    await new Promise((r) => setTimeout(r, 2100));
    expect(coldSpell()).toBe(false);
  });

  it('a slow call that throws still starts a spell, and the error goes through', () => {
    expect(() => timedSync(() => {
      busy(5);
      throw new Error('EIO');
    })).toThrow('EIO');
    expect(coldSpell()).toBe(true);
  });
});
