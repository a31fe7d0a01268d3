/**
 * A map that forgets its least recently used entries once their total cost passes a budget, so
 * that every cache of the reader stays bounded however large or hostile the file system is.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; cost: number }>();
  private total = 0;

  constructor(private readonly budget: number) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores `value`; a value costing more than the whole budget is not stored. */
  set(key: K, value: V, cost = 1): void {
    this.delete(key);
    if (cost > this.budget) return;
    this.entries.set(key, { value, cost });
    this.total += cost;
    for (const [oldest, entry] of this.entries) {
      if (this.total <= this.budget) break;
      this.entries.delete(oldest);
      this.total -= entry.cost;
    }
  }

  /** Removes `key`, or only when it still holds `value` if one is given. */
  delete(key: K, value?: V): void {
    const entry = this.entries.get(key);
    if (!entry || (value !== undefined && entry.value !== value)) return;
    this.entries.delete(key);
    this.total -= entry.cost;
  }
}
