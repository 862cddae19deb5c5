// Shared fixtures of one run: built on first use, freed as soon as no remaining benchmark needs them.
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { BenchContext, FixtureDef } from './benchmark.ts';
import { removeOnAbnormalExit } from './cleanup.ts';

interface Live {
  readonly def: FixtureDef<unknown>;
  readonly value: Promise<unknown>;
  readonly dir: string;
  readonly unregister: () => void;
}

/** The fixtures of one run, under `root`. */
export interface FixtureStore {
  get<T>(def: FixtureDef<T>, ctx: BenchContext): Promise<T>;
  /** Disposes every live fixture whose id is not in `stillNeeded`. */
  release(stillNeeded: ReadonlySet<string>): Promise<void>;
}

/** A store whose fixture dirs live under `root`. */
export function createFixtureStore(root: string): FixtureStore {
  const live = new Map<string, Live>();
  return {
    async get<T>(def: FixtureDef<T>, ctx: BenchContext): Promise<T> {
      let f = live.get(def.id);
      if (!f) {
        const dir = await mkdtemp(path.join(root, `fixture-${def.id}-`));
        const unregister = removeOnAbnormalExit(dir);
        ctx.log(`building fixture ${def.id}`);
        const value = def.create(dir, ctx);
        f = { def: def as FixtureDef<unknown>, value, dir, unregister };
        live.set(def.id, f);
      }
      return (await f.value) as T;
    },
    async release(stillNeeded) {
      for (const [id, f] of live) {
        if (stillNeeded.has(id)) continue;
        live.delete(id);
        try {
          const value = await f.value.catch(() => undefined);
          if (value !== undefined) await f.def.dispose?.(value);
        } finally {
          await rm(f.dir, { recursive: true, force: true, maxRetries: 3 });
          f.unregister();
        }
      }
    },
  };
}
