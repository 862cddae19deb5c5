/**
 * A bounded cache with O(1) eviction: entries live in a young and an old generation; when the young
 * one fills up, the old one is dropped whole. Recently used entries are promoted back to young.
 * (A Map-based LRU that deletes its first key degrades badly in V8 after many deletions.)
 */
export class TwoGenCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, Math.floor(limit / 2));
  }

  /** The cached value, or undefined. */
  get(key: K): V | undefined {
    const y = this.young.get(key);
    if (y !== undefined) return y;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  /** Stores a value, rotating generations when the young one is full. */
  set(key: K, value: V): void {
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  /** Drops everything. */
  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
