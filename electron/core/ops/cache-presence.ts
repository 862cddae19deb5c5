import { stat } from 'node:fs/promises';
import type { ObjectStore } from '../cache/odb.ts';
import type { HashName } from '../hash/hash-pool.ts';

/** Above this many oids, one listing of the cache beats a stat per object. */
const LIST_THRESHOLD = 4096;
const STAT_CONCURRENCY = 32;

/**
 * The oids (deduplicated, in input order) that have no object in the cache. A presence check only:
 * it does not re-hash (status must stay fast on 100k files); checkout verifies what it links.
 */
export async function missingObjects(odb: ObjectStore, oids: readonly string[], hashName: HashName): Promise<string[]> {
  const unique = [...new Set(oids)];
  if (unique.length > LIST_THRESHOLD) {
    const present = new Set<string>();
    for await (const oid of odb.list(hashName)) present.add(oid);
    return unique.filter((o) => !present.has(o));
  }
  const missing = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const oid = unique[next++] as string;
      try {
        const st = await stat(odb.pathFor(oid, hashName));
        if (!st.isFile()) missing.add(oid);
      } catch {
        missing.add(oid);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, unique.length) }, worker));
  return unique.filter((o) => missing.has(o));
}

/**
 * Like {@link missingObjects} but through `ObjectStore.has`, which re-hashes objects that are not
 * read-only (0444) and quarantines those whose bytes do not match: a damaged object counts as missing.
 */
export async function missingVerified(odb: ObjectStore, oids: readonly string[], hashName: HashName): Promise<string[]> {
  const unique = [...new Set(oids)];
  const missing = new Set<string>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const oid = unique[next++] as string;
      if (!(await odb.has(oid, hashName))) missing.add(oid);
    }
  };
  await Promise.all(Array.from({ length: Math.min(STAT_CONCURRENCY, unique.length) }, worker));
  return unique.filter((o) => missing.has(o));
}
