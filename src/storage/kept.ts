/**
 * Values a database handle keeps for a short time: what nearly every request reads and rarely
 * changes (settings, an API key's row). Kept per handle (tests open many databases whose ids
 * repeat), each for `ttlMs` from when it was read; at most `max` per handle (then all are
 * dropped, which only costs reads).
 */
export class KeptPerHandle<K, V> {
  private readonly byHandle = new WeakMap<object, Map<K, { value: V; at: number }>>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  get(handle: object, key: K): V | undefined {
    const hit = this.byHandle.get(handle)?.get(key);
    return hit && performance.now() - hit.at < this.ttlMs ? hit.value : undefined;
  }

  set(handle: object, key: K, value: V): void {
    let kept = this.byHandle.get(handle);
    if (!kept) {
      kept = new Map();
      this.byHandle.set(handle, kept);
    }
    if (kept.size >= this.max) kept.clear();
    kept.set(key, { value, at: performance.now() });
  }

  /** Drops this handle's values whose key `matches`. */
  forget(handle: object, matches: (key: K) => boolean): void {
    const kept = this.byHandle.get(handle);
    if (kept) for (const k of kept.keys()) if (matches(k)) kept.delete(k);
  }
}
