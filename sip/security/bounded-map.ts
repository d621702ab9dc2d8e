/**
 * A Map with a hard size cap that drops the oldest insertion first, in O(1).
 *
 * Why not `map.keys().next()` for the oldest key: V8 leaves a hole for each deleted entry until the
 * table is rehashed, and iteration walks over the holes, so evicting from the front of a big Map
 * costs O(holes) per call (measured: ~10 µs per insert at 100k entries). Here a ring remembers the
 * insertion order; a slot whose value is no longer the one in the Map (deleted or replaced) is a
 * ghost and is skipped. Values must be objects, so identity tells a live slot from a ghost.
 */
export class BoundedMap<V extends object> {
  private readonly map = new Map<string, V>();
  private readonly ringKeys: (string | undefined)[];
  private readonly ringValues: (V | undefined)[];
  private head = 0;
  private length = 0;

  constructor(
    private readonly capacity: number,
    private readonly onEvict: ((key: string, value: V) => void) | null = null,
  ) {
    this.ringKeys = new Array<string | undefined>(capacity);
    this.ringValues = new Array<V | undefined>(capacity);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /**
   * Inserts or replaces; either way `key` becomes the youngest entry. May evict the oldest.
   * Setting the object already stored changes nothing (its old ring slot would still count as live).
   */
  set(key: string, value: V): void {
    const current = this.map.get(key);
    if (current === value) return;
    if (current !== undefined) this.map.delete(key);
    if (this.length === this.capacity) this.popOldest();
    this.map.set(key, value);
    const slot = (this.head + this.length) % this.capacity;
    this.ringKeys[slot] = key;
    this.ringValues[slot] = value;
    this.length++;
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** Deletes every entry the predicate picks, then drops the ghosts from the ring. O(size). */
  deleteWhere(predicate: (value: V, key: string) => boolean): void {
    for (const [key, value] of this.map) if (predicate(value, key)) this.map.delete(key);
    this.compact();
  }

  entries(): IterableIterator<[string, V]> {
    return this.map.entries();
  }

  private popOldest(): void {
    const key = this.ringKeys[this.head]!;
    const value = this.ringValues[this.head]!;
    this.ringKeys[this.head] = undefined;
    this.ringValues[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.length--;
    if (this.map.get(key) === value) {
      this.map.delete(key);
      this.onEvict?.(key, value);
    }
  }

  /** Rebuilds the ring from the Map, whose iteration order is the insertion order. */
  private compact(): void {
    this.ringKeys.fill(undefined);
    this.ringValues.fill(undefined);
    this.head = 0;
    this.length = 0;
    for (const [key, value] of this.map) {
      this.ringKeys[this.length] = key;
      this.ringValues[this.length] = value;
      this.length++;
    }
  }
}
