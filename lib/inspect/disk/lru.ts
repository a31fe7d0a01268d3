/**
 * A least-recently-used cache bounded by total weight (bytes), holding
 * promises so that concurrent readers of one table share one read. A failed
 * load is forgotten, so the next read tries again.
 */
export class LruCache<V> {
  private readonly entries = new Map<number, { value: Promise<V>; weight: number }>();
  private weight = 0;

  constructor(private readonly maxWeight: number) {}

  get(key: number, weight: number, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value;
    }
    const value = load();
    this.entries.set(key, { value, weight });
    this.weight += weight;
    value.catch(() => {
      if (this.entries.get(key)?.value === value) {
        this.entries.delete(key);
        this.weight -= weight;
      }
    });
    while (this.weight > this.maxWeight && this.entries.size > 1) {
      const [oldest, entry] = this.entries.entries().next().value as [number, { value: Promise<V>; weight: number }];
      this.entries.delete(oldest);
      this.weight -= entry.weight;
    }
    return value;
  }
}
