import type { LruCache } from "../../../lru";

/** Drops `value` from `cache` when it rejects, unless the key was stored again meanwhile. */
export function forgetOnFailure<K, V>(cache: LruCache<K, Promise<V>>, key: K, value: Promise<V>): void {
  value.catch(() => {
    if (cache.get(key) === value) cache.delete(key);
  });
}

/** The cached promise for `key`, or a new `load()` stored in the cache (a failure is not kept). */
export function memoize<K, V>(cache: LruCache<K, Promise<V>>, key: K, load: () => Promise<V>): Promise<V> {
  const hit = cache.get(key);
  if (hit) return hit;
  const loading = load();
  cache.set(key, loading);
  forgetOnFailure(cache, key, loading);
  return loading;
}
