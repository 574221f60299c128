/**
 * In-process caches: every one is bounded (a maximum number of entries, least recently used dropped
 * first) and expiring, and registered by name so that tests and the soak benchmark can read how full
 * each is. Build them with `boundedCache` — never a bare `Map` that grows with traffic.
 *
 * A cache only holds what can be read again; anything another instance must see at once (a revoked
 * session, a disabled account) is never answered from here.
 */
import { LRUCache } from 'lru-cache';

export interface BoundedCacheOptions {
  /** Shown in `cachesInProcess()`; unique per process. */
  name: string;
  /** Most entries kept; the least recently used goes first. */
  max: number;
  /** Entry lifetime in ms. */
  ttlMs: number;
  /** Clock (ms), for tests. */
  now?: () => number;
}

export interface BoundedCache<K extends string, V extends NonNullable<unknown>> {
  readonly name: string;
  readonly max: number;
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
  clear(): void;
  readonly size: number;
}

export interface CacheStats {
  name: string;
  size: number;
  max: number;
  ttlMs: number;
}

const registry = new Map<string, { cache: BoundedCache<string, NonNullable<unknown>>; ttlMs: number }>();

export function boundedCache<K extends string, V extends NonNullable<unknown>>(opts: BoundedCacheOptions): BoundedCache<K, V> {
  if (!Number.isInteger(opts.max) || opts.max < 1) throw new Error(`cache ${opts.name} : max doit être un entier ≥ 1`);
  if (!(opts.ttlMs > 0)) throw new Error(`cache ${opts.name} : ttlMs doit être > 0`);
  const now = opts.now;
  const lru = new LRUCache<K, V>({
    max: opts.max,
    ttl: opts.ttlMs,
    // lru-cache reads performance.now() by default; an injected clock keeps tests deterministic.
    ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
    // Expired entries are dropped when read (and count towards `max` until then): no timers.
    ttlAutopurge: false,
  });
  const cache: BoundedCache<K, V> = {
    name: opts.name,
    max: opts.max,
    get: (key) => lru.get(key),
    set: (key, value) => void lru.set(key, value),
    delete: (key) => void lru.delete(key),
    clear: () => lru.clear(),
    get size() {
      return lru.size;
    },
  };
  registry.set(opts.name, { cache: cache as unknown as BoundedCache<string, NonNullable<unknown>>, ttlMs: opts.ttlMs });
  return cache;
}

/** Every registered cache with its current size and bound (for tests, diagnostics and the soak benchmark). */
export function cachesInProcess(): CacheStats[] {
  return [...registry.values()].map(({ cache, ttlMs }) => ({ name: cache.name, size: cache.size, max: cache.max, ttlMs }));
}
