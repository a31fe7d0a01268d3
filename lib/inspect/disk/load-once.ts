import type { LruCache } from "../../lru";

/**
 * The cached value for `key`, loading it once: concurrent readers of one
 * table share one read. A failed load is forgotten, so the next read retries.
 */
export function loadOnce<V>(cache: LruCache<number, Promise<V>>, key: number, load: () => Promise<V>): Promise<V> {
  const cached = cache.get(key);
  if (cached) return cached;
  const value = load();
  cache.set(key, value);
  value.catch(() => {
    if (cache.get(key) === value) cache.delete(key);
  });
  return value;
}
